"""The page language: Japanese first, English on request, remembered in a cookie.

Planners read Japanese; researchers and civic-tech developers abroad read
English. The language of a page is ``?lang=ja|en`` when given (and then
remembered in the ``plangraph_lang`` cookie), else the cookie, else Japanese.
Every UI string lives in :data:`MESSAGES` in both languages; templates call
``t("key")``. Data labels are picked by :mod:`graph.labels` with the same
language.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, g, request

from graph.labels import LANGUAGES

bp = Blueprint("i18n", __name__)

COOKIE = "plangraph_lang"
DEFAULT_LANG = LANGUAGES[0]

#: UI strings: key → {"ja": ..., "en": ...}. Both languages for every key (a test checks).
MESSAGES: dict[str, dict[str, str]] = {
    "nav.import": {"ja": "取込", "en": "Import"},
    "import.title": {"ja": "アクション・プランの取込", "en": "Import an action plan"},
    "import.lead": {"ja": "施策・事業・指標を記入したテンプレート（Excel または CSV）を取り込み、計画のグラフに追加します。"
                          "すべての行を検査し、問題があれば行と列を示して何も書き込みません。",
                    "en": "Import a filled-in template (Excel or CSV) of measures, projects and indicators into the plan's "
                          "graph. Every row is checked; on any problem nothing is written and the row and column are shown."},
    "import.template": {"ja": "テンプレート", "en": "Template"},
    "import.municipality": {"ja": "自治体", "en": "Municipality"},
    "import.choose_municipality": {"ja": "（自治体を選ぶ）", "en": "(choose a municipality)"},
    "import.show_plans": {"ja": "計画を表示", "en": "Show its plans"},
    "import.municipality_first": {"ja": "全国規模のデータでは、まず自治体を選ぶと、その自治体の計画を選べます。",
                                  "en": "On a national store, choose the municipality first; its plans are then listed."},
    "import.problems": {"ja": "取り込めませんでした（何も書き込んでいません）", "en": "Not imported (nothing was written)"},
    "import.disabled": {"ja": "このサーバーでは取込が無効です（更新トークンが設定されていません）。",
                        "en": "Imports are disabled on this server (no update token is configured)."},
    "import.plan": {"ja": "具体化する計画", "en": "Plan it concretizes"},
    "import.file": {"ja": "ファイル（.xlsx / .csv）", "en": "File (.xlsx / .csv)"},
    "import.token": {"ja": "更新トークン", "en": "Update token"},
    "import.dry_run": {"ja": "検査のみ（書き込まない）", "en": "Check only (write nothing)"},
    "import.submit": {"ja": "取り込む", "en": "Import"},
    "import.no_file": {"ja": "ファイルを選んでください。", "en": "Choose a file."},
    "import.no_plan": {"ja": "計画を選んでください。", "en": "Choose the plan."},
    "import.columns": {"ja": "テンプレートの列", "en": "Template columns"},
    "import.col": {"ja": "列", "en": "Column"},
    "import.col_name": {"ja": "列名", "en": "Header"},
    "import.col_help": {"ja": "記入方法", "en": "How to fill it in"},
    "import.done": {"ja": "取込が完了しました", "en": "Import finished"},
    "import.check_done": {"ja": "検査が終わりました（問題はありません）", "en": "Check finished: no problems"},
    "import.written": {"ja": "書き込んだファイル", "en": "Written file"},
    "import.checked": {"ja": "検査のみ行いました。問題はありません（何も書き込んでいません）。",
                       "en": "Checked only: no problems (nothing was written)."},
    "import.measures": {"ja": "施策", "en": "Measures"},
    "import.projects": {"ja": "事業", "en": "Projects"},
    "import.indicators": {"ja": "指標", "en": "Indicators"},
    "import.triples": {"ja": "トリプル", "en": "Triples"},
    "import.open_plan": {"ja": "アクション・プランを開く", "en": "Open the action plan"},
    "import.again": {"ja": "別のファイルを取り込む", "en": "Import another file"},
    "site.name": {"ja": "PlanGraph", "en": "PlanGraph"},
    "site.tagline": {"ja": "自治体計画の Linked Data", "en": "Municipal plans as Linked Data"},
    "nav.main": {"ja": "メインメニュー", "en": "Main menu"},
    "nav.home": {"ja": "ホーム", "en": "Home"},
    "nav.query": {"ja": "SPARQL クエリ", "en": "SPARQL query"},
    "nav.queries": {"ja": "定型クエリ", "en": "Named queries"},
    "nav.dataset": {"ja": "データセット", "en": "Dataset"},
    "nav.search": {"ja": "検索", "en": "Search"},
    "nav.views": {"ja": "ネットワーク図", "en": "Network views"},
    "nav.figures": {"ja": "図表", "en": "Figures"},
    "nav.reports": {"ja": "レポート", "en": "Reports"},
    "lang.switch": {"ja": "English", "en": "日本語"},
    "lang.switch_label": {"ja": "Switch to English", "en": "日本語に切り替え"},
    "skip": {"ja": "本文へ移動", "en": "Skip to content"},
    "search.label": {"ja": "ラベルで検索", "en": "Search by label"},
    "search.placeholder": {"ja": "例: 行政サービス、ICT", "en": "e.g. administrative services, ICT"},
    "search.button": {"ja": "検索", "en": "Search"},
    "search.title": {"ja": "検索", "en": "Search"},
    "search.results": {"ja": "「{q}」の検索結果: {n} 件", "en": "{n} result(s) for “{q}”"},
    "search.none": {"ja": "該当するものはありません。", "en": "Nothing matched."},
    "search.building": {"ja": "検索用の索引を作成しています（全国規模のデータでは 1 分ほどかかります）。しばらくしてから再読み込みしてください。",
                        "en": "The search index is being built (about a minute for a national store). Reload the page shortly."},
    "search.hint": {"ja": "全角・半角、カタカナ・ひらがな、大文字・小文字を区別せずにラベルを検索します。",
                    "en": "Searches labels ignoring full/half width, katakana/hiragana and case."},
    "search.matched": {"ja": "一致したラベル", "en": "matched label"},
    "search.capped": {"ja": "上位 {n} 件を表示しています。語を追加して絞り込めます。",
                      "en": "Showing the best {n}. Add words to narrow the search."},
    "home.title": {"ja": "自治体計画を Linked Data で", "en": "Municipal plans as Linked Data"},
    "home.lead": {"ja": "PlanGraph は自治体の計画（総合計画、戦略、分野別計画、アクション・プラン）とその基本理念・基本方針・施策・事業、"
                        "上位計画の目標、根拠法令、計画期間を RDF で記述し、SPARQL とネットワーク図で計画間の整合性を示します。",
                  "en": "PlanGraph describes municipal plans — comprehensive plans, strategies, sector plans and action "
                        "plans, with their philosophies, policies, measures, projects, upper-plan goals, laws and periods — "
                        "as RDF, and shows how they align through SPARQL and network views."},
    "home.start": {"ja": "はじめに", "en": "Start here"},
    "home.plan": {"ja": "さいたま市行政デジタル化計画", "en": "Saitama City Administrative Digitalization Plan"},
    "home.questions": {"ja": "定型クエリ（よくある質問）", "en": "Named queries (ready questions)"},
    "home.triples": {"ja": "トリプル数", "en": "Triples"},
    "home.graphs": {"ja": "名前付きグラフ数", "en": "Named graphs"},
    "counting": {"ja": "計数中…", "en": "counting…"},
    "counting.note": {"ja": "データが大きいため、件数はバックグラウンドで数えています。しばらくしてから再読み込みしてください。",
                      "en": "The store is large: the counts are being made in the background. Reload the page in a minute."},
    "query.title": {"ja": "SPARQL クエリ", "en": "SPARQL query"},
    "query.editor": {"ja": "SPARQL クエリ文", "en": "SPARQL query text"},
    "query.run": {"ja": "実行", "en": "Run"},
    "query.named": {"ja": "定型クエリから選ぶ", "en": "Start from a named query"},
    "query.named_none": {"ja": "（自由記述）", "en": "(free text)"},
    "query.load": {"ja": "読み込む", "en": "Load"},
    "query.all_named": {"ja": "定型クエリの一覧と説明", "en": "All named queries with descriptions"},
    "query.params": {"ja": "パラメータ", "en": "Parameters"},
    "query.results": {"ja": "結果", "en": "Results"},
    "query.rows": {"ja": "{n} 行", "en": "{n} row(s)"},
    "query.no_rows": {"ja": "該当する行はありません。", "en": "No rows."},
    "query.rows_capped": {"ja": "{n} 行以上", "en": "{n} rows or more"},
    "query.triples_capped": {"ja": "{n} トリプル以上", "en": "{n} triples or more"},
    "query.capped": {"ja": "結果が行数の上限（{n} 行、設定 max_rows）に達したため、そこで打ち切っています。"
                           "クエリを絞り込んでください。",
                     "en": "The result reached the row cap ({n} rows, setting max_rows) and was cut there. "
                           "Narrow the query."},
    "query.shown": {"ja": "最初の {shown} 行を表示しています。すべての行はダウンロード（CSV・JSON）で得られます。",
                    "en": "Showing the first {shown} rows; the downloads (CSV, JSON) have all of them."},
    "query.download": {"ja": "ダウンロード", "en": "Download"},
    "query.permalink": {"ja": "このクエリへのリンク", "en": "Permalink to this query"},
    "query.ask_true": {"ja": "真（true）", "en": "true"},
    "query.ask_false": {"ja": "偽（false）", "en": "false"},
    "query.triples": {"ja": "{n} トリプル", "en": "{n} triple(s)"},
    "query.error": {"ja": "クエリを実行できませんでした", "en": "The query could not be run"},
    "query.help": {"ja": "よく使うプレフィックスは入力済みです。", "en": "The common prefixes are filled in."},
    "query.help_keys": {"ja": "Ctrl+Enter でも実行できます。Tab キーでエディタの外へ移動します。",
                        "en": "Ctrl+Enter also runs the query; Tab moves out of the editor."},
    "queries.title": {"ja": "定型クエリ", "en": "Named queries"},
    "queries.lead": {"ja": "計画担当者のよくある質問を SPARQL にしたものです。各クエリは HTML・JSON・CSV で使えます。",
                     "en": "Planners' common questions as SPARQL. Each is available as HTML, JSON and CSV."},
    "queries.open_editor": {"ja": "エディタで開く", "en": "Open in the editor"},
    "queries.api": {"ja": "API", "en": "API"},
    "queries.text": {"ja": "クエリ文", "en": "Query text"},
    "param.required": {"ja": "（必須）", "en": "(required)"},
    "param.example": {"ja": "例", "en": "e.g."},
    "entity.types": {"ja": "種類", "en": "Types"},
    "entity.properties": {"ja": "プロパティ", "en": "Properties"},
    "entity.inverse": {"ja": "このリソースを参照しているもの", "en": "Referenced by"},
    "entity.provenance": {"ja": "出典", "en": "Source"},
    "entity.graph": {"ja": "グラフ", "en": "graph"},
    "entity.network": {"ja": "ネットワーク図で見る", "en": "Show in the network view"},
    "entity.rdf": {"ja": "RDF でダウンロード", "en": "Download as RDF"},
    "entity.iri": {"ja": "IRI", "en": "IRI"},
    "entity.other_labels": {"ja": "ラベル", "en": "Labels"},
    "entity.is_graph": {"ja": "この IRI は名前付きグラフ（出典付き記述のまとまり）です。下の文はこのグラフに含まれます。",
                        "en": "This IRI names a graph (a sourced assertion); it holds the statements below."},
    "entity.statements": {"ja": "このグラフに含まれる文", "en": "Statements in this graph"},
    "entity.statements_truncated": {"ja": "最初の {n} 件だけを表示しています。", "en": "Only the first {n} are shown."},
    "entity.subject": {"ja": "主語", "en": "Subject"},
    "entity.sources": {"ja": "このリソースについての記述の出典", "en": "Where the statements about it come from"},
    "entity.more": {"ja": "ほか {n} 件を表示", "en": "Show {n} more"},
    "entity.inverse_truncated": {"ja": "参照が多いため、一部だけを表示しています。SPARQL クエリで全件を取得できます。",
                                 "en": "Too many references: only some are shown. A SPARQL query returns them all."},
    "entity.property": {"ja": "プロパティ", "en": "Property"},
    "entity.value": {"ja": "値", "en": "Value"},
    "entity.external": {"ja": "外部リンク", "en": "external link"},
    "entity.none": {"ja": "記述はありません。", "en": "No statements."},
    "dataset.title": {"ja": "データセット", "en": "Dataset"},
    "dataset.downloads": {"ja": "データセット全体のダウンロード", "en": "Download the whole dataset"},
    "dataset.licence": {"ja": "ライセンス", "en": "Licence"},
    "dataset.description": {"ja": "データセットの記述（VoID / DCAT）", "en": "Dataset description (VoID / DCAT)"},
    "dataset.format": {"ja": "形式", "en": "Format"},
    "dataset.media_type": {"ja": "メディアタイプ", "en": "Media type"},
    "dataset.unavailable": {"ja": "データセットの記述はまだ用意されていません。",
                            "en": "The dataset description is not available yet."},
    "dataset.as_rdf": {"ja": "この記述を RDF で", "en": "This description as RDF"},
    "dataset.classes": {"ja": "クラス数", "en": "Classes"},
    "dataset.file": {"ja": "ファイル", "en": "File"},
    "dataset.gzip_hint": {"ja": ".gz は gzip で圧縮した同じファイルです（大きなデータは一般に 10 分の 1 程度になります）。",
                          "en": ".gz is the same file compressed with gzip (large data usually shrinks to about a tenth)."},
    "dataset.too_large": {"ja": "この大きさのデータは、この形式ではここから提供していません。N-Quads をお使いください。",
                          "en": "Not offered in this format at this size: take N-Quads."},
    "dataset.with_graphs": {"ja": "（名前付きグラフ（出典）付き）", "en": "(with named graphs: provenance)"},
    "dataset.endpoint": {"ja": "SPARQL エンドポイント", "en": "SPARQL endpoint"},
    "dataset.context": {"ja": "JSON-LD コンテキスト（JSON-LD の各ファイルに埋め込み済み）",
                        "en": "JSON-LD context (embedded in every JSON-LD file)"},
    "dataset.by_class": {"ja": "クラス別のリソース数", "en": "Resources by class"},
    "dataset.entities": {"ja": "リソース数", "en": "Resources"},
    "dataset.class": {"ja": "クラス", "en": "Class"},
    "error.title": {"ja": "エラー", "en": "Error"},
    "error.not_found": {"ja": "見つかりません", "en": "Not found"},
    "error.not_found_text": {"ja": "この IRI はデータセットにありません。", "en": "This IRI is not in the dataset."},
    "error.back_home": {"ja": "ホームへ戻る", "en": "Back to the home page"},
    "error.detail": {"ja": "構文解析器のメッセージ（原文）", "en": "The parser's own message"},
    "error.all_queries": {"ja": "定型クエリの一覧へ", "en": "See the list of named queries"},
    "footer.offline": {"ja": "このサイトはインターネット接続なしで動作します（外部サービス不使用）。",
                       "en": "This site works without internet access (no external services)."},
}


#: Japanese titles of the errors of :mod:`graph.errors`, keyed by their English ``title``.
ERROR_TITLES_JA: dict[str, str] = {
    "Error": "エラー",
    "Configuration error": "設定のエラー",
    "Invalid input": "入力が正しくありません",
    "Syntax error": "構文エラー",
    "Validation failed": "検証で問題が見つかりました",
    "Query error": "クエリのエラー",
    "Malformed query": "クエリの構文が正しくありません",
    "Query not allowed": "このクエリは実行できません",
    "Query timed out": "クエリが時間切れになりました",
    "Unknown query": "その定型クエリはありません",
    "Bad query parameter": "パラメータの値が正しくありません",
    "Not found": "見つかりません",
    "Unauthorized": "認証が必要です",
    "Store error": "ストアのエラー",
    "Not ready yet": "準備中です",
    "Query too long": "クエリが長すぎます",
    "Query stopped": "クエリを止めました",
    "Not acceptable": "この形式では返せません",
    "Unsupported media type": "この形式は受け付けません",
    "Writes are disabled": "書き込みは無効です",
    "Internal Server Error": "サーバーの内部エラー",
}


def error_title(error: object) -> str:
    """An error's title in the page language (its English title when no Japanese one is known)."""
    title = getattr(error, "title", "") or "Error"
    return ERROR_TITLES_JA.get(title, title) if current_lang() == "ja" else title


def error_text(error: object) -> str:
    """An error's sentence in the page language (:meth:`graph.errors.PlanGraphError.text`):
    written once, in both languages, where the error is raised."""
    text = getattr(error, "text", None)
    return text(current_lang()) if callable(text) else str(error)


def current_lang() -> str:
    """The page language: ``?lang=``, else the cookie, else Japanese."""
    if "pg_lang" in g:
        return g.pg_lang
    lang = request.args.get("lang", "")
    if lang not in LANGUAGES:
        lang = request.cookies.get(COOKIE, "")
    if lang not in LANGUAGES:
        lang = DEFAULT_LANG
    g.pg_lang = lang
    return lang


def lookup(catalogue: dict[str, dict[str, str]], key: str, **fields: object) -> str:
    """``key`` from a message catalogue in the page language (else Japanese, else the key itself),
    with ``{field}`` filled in. One lookup for every catalogue (this module's and :mod:`web.viewtext`'s)."""
    entry = catalogue.get(key)
    if entry is None:
        return key
    text = entry.get(current_lang()) or entry[DEFAULT_LANG]
    return text.format(**fields) if fields else text


def t(key: str, **fields: object) -> str:
    """The UI string ``key`` in the page language, with ``{field}`` filled in."""
    return lookup(MESSAGES, key, **fields)


def url_with(**changes: str | None) -> str:
    """The current URL with some query parameters changed (``None`` removes one)."""
    args = request.args.copy()
    for k, v in changes.items():
        args.pop(k, None)
        if v is not None:
            args[k] = v
    query = urlencode(list(args.items(multi=True)))
    return request.path + ("?" + query if query else "")


def other_lang() -> str:
    """The language the switch link goes to."""
    return "en" if current_lang() == "ja" else "ja"


@bp.app_context_processor
def _template_helpers() -> dict:
    return {"t": t, "lang": current_lang(), "other_lang": other_lang(), "url_with": url_with,
            "error_title": error_title, "error_text": error_text}


@bp.after_app_request
def _remember_choice(response: Response) -> Response:
    lang = request.args.get("lang")
    if lang in LANGUAGES and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    return response
