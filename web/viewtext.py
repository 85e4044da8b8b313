"""UI strings of the views, figures and reports pages, in Japanese and English.

Kept beside the three blueprints that use them (not in :mod:`web.i18n`'s
table, which belongs to the site frame) so each concern stays one module.
Templates call ``vt("key")``; the language is the page's (:func:`web.i18n.current_lang`).
"""

from __future__ import annotations

from flask import Blueprint

MESSAGES: dict[str, dict[str, str]] = {
    "views.title": {"ja": "整合性ネットワーク図", "en": "Alignment network"},
    "views.lead": {"ja": "施策・基本方針・基本理念が資する上位計画の目標、その上位計画、根拠法までを左から右へ並べています。"
                         "ノードをクリックするとそのページを開きます。",
                   "en": "Measures, basic policies and the philosophy, the upper-plan goals they support, the upper "
                         "plans and the law, from left to right. Click a node to open its page."},
    "views.filters": {"ja": "絞り込み", "en": "Narrow the view"},
    "views.plan": {"ja": "計画", "en": "Plan"},
    "views.upper": {"ja": "上位計画", "en": "Upper plan"},
    "views.policy": {"ja": "基本方針", "en": "Basic policy"},
    "views.all": {"ja": "（すべて）", "en": "(all)"},
    "views.apply": {"ja": "表示", "en": "Show"},
    "views.count": {"ja": "{n} ノード・{m} エッジ", "en": "{n} nodes, {m} edges"},
    "views.empty": {"ja": "この条件に当てはまるノードはありません。", "en": "Nothing matches these filters."},
    "views.legend": {"ja": "凡例", "en": "Legend"},
    "views.legend_nodes": {"ja": "ノード（種類）", "en": "Nodes (kinds)"},
    "views.legend_edges": {"ja": "線（関係）", "en": "Lines (relations)"},
    "views.download": {"ja": "ダウンロード", "en": "Download"},
    "views.png": {"ja": "画像（PNG）", "en": "Image (PNG)"},
    "views.rdf": {"ja": "RDF（Turtle）", "en": "RDF (Turtle)"},
    "views.graphml": {"ja": "GraphML", "en": "GraphML"},
    "views.json": {"ja": "JSON", "en": "JSON"},
    "views.as_table": {"ja": "同じ対応を表で見る（対応表）", "en": "The same alignment as a table (coverage matrix)"},
    "views.zoom": {"ja": "表示倍率", "en": "Zoom"},
    "views.zoom_in": {"ja": "拡大", "en": "Zoom in"},
    "views.zoom_out": {"ja": "縮小", "en": "Zoom out"},
    "views.zoom_fit": {"ja": "全体を表示", "en": "Fit to view"},
    "views.zoom_note": {"ja": "文字が読める大きさで一部を表示しています。全体は「全体を表示」で見られます。",
                        "en": "Part of the network is shown, at a size its labels can be read. “Fit to view” shows all of it."},
    "views.noscript": {"ja": "ネットワーク図の表示には JavaScript が必要です。同じ対応は表（対応表）でも見られます。",
                       "en": "The network drawing needs JavaScript. The same alignment is also shown as a table (the coverage matrix)."},
    "views.ego_title": {"ja": "ノードの周辺", "en": "Around a node"},
    "views.ego_lead": {"ja": "選んだノードから {d} 段階以内のつながりです。「展開」で周りのノードを追加します。",
                       "en": "Everything within {d} step(s) of the chosen node. “Expand” adds a node's neighbours."},
    "views.depth": {"ja": "段階", "en": "Depth"},
    "views.node": {"ja": "中心のノード（IRI）", "en": "Centre node (IRI)"},
    "views.nodes_list": {"ja": "表示中のノード", "en": "Nodes shown"},
    "views.expand": {"ja": "展開", "en": "Expand"},
    "views.open": {"ja": "ページ", "en": "Page"},
    "views.click_expands": {"ja": "クリックで展開する（ページを開かない）", "en": "Click expands (instead of opening the page)"},
    "views.ego_link": {"ja": "このノードの周辺を見る", "en": "View around this node"},
    "views.no_node": {"ja": "中心にするノードの IRI を入れて「表示」を押してください。",
                      "en": "Enter the IRI of the node to centre on and press Show."},
    "views.unknown_node": {"ja": "{iri} はネットワーク図にありません。計画の要素・上位計画の目標・計画・法令の IRI か確かめてください。",
                           "en": "{iri} is not in the network. Check that it is the IRI of a plan element, an upper-plan "
                                 "goal, a plan or a law."},
    "scope.municipality": {"ja": "自治体", "en": "Municipality"},
    "scope.choose_municipality": {"ja": "（自治体を選んでください）", "en": "(choose a municipality)"},
    "scope.plan_after": {"ja": "（先に自治体を選んでください）", "en": "(choose a municipality first)"},
    "scope.all_plans": {"ja": "（この自治体のすべての計画）", "en": "(every plan of this municipality)"},
    "scope.national": {"ja": "このストアには {n} の自治体の計画があります。すべてをまとめたネットワークは大きすぎて"
                             "（全国分では作るのに数分かかります）作りません。自治体を選び、次に計画を選んで「表示」を押してください。",
                       "en": "This store holds the plans of {n} municipalities. Their network as a whole is too big to "
                             "build (minutes for the whole country): choose a municipality, then a plan, and press Show."},
    "scope.ego_note": {"ja": "このノードを含む計画（最大 {n} 件）のネットワークの中で描いています。",
                       "en": "Drawn within the networks of the plans that hold this node (at most {n})."},
    "figures.title": {"ja": "計画の図表", "en": "The plan's figures"},
    "figures.lead": {"ja": "第1章の図表1〜4をグラフから SPARQL で作り直したものです。各図表はそれを作ったクエリにリンクしています。",
                     "en": "Figures 1–4 of Chapter 1, rebuilt from the graph with SPARQL. Each links to the query that built it."},
    "figures.query": {"ja": "この図表を作ったクエリ", "en": "The query that built this figure"},
    "figures.plan": {"ja": "対象の計画", "en": "Plan"},
    "figures.none": {"ja": "グラフにはこの項目の記述がありません。", "en": "The graph says nothing about this."},
    "figures.upper": {"ja": "上位計画", "en": "Upper plan"},
    "figures.message": {"ja": "主要メッセージ・キーワード", "en": "Key messages and keywords"},
    "figures.element": {"ja": "基本理念・方針", "en": "Basic philosophy or policy"},
    "figures.conflicts": {"ja": "図表と本文の不一致（本文を優先）", "en": "Where the printed figure disagrees with the text (the text governs)"},
    "figures.conflicts_lead": {"ja": "この表の対応は本文（pg:supports）に従っています。原文の図表の行の並びとは異なる箇所があります。",
                               "en": "This table pairs rows as the text does (pg:supports); the printed figure pairs some rows differently."},
    "figures.text_says": {"ja": "本文", "en": "Text"},
    "figures.figure_says": {"ja": "図表", "en": "Figure"},
    "figures.resolution": {"ja": "扱い", "en": "Resolution"},
    "figures.concerns": {"ja": "対象", "en": "Concerns"},
    "figures.no_measures": {"ja": "グラフにはこの計画の施策がありません（計画の文書が施策を挙げていないか、まだ取り込まれていません。さいたま市の計画の第1章は施策を挙げていません）。",
                            "en": "The graph holds no measures for this plan (its document names none, or they are not imported yet; Chapter 1 of the Saitama plan names none)."},
    "figures.measures": {"ja": "施策", "en": "Measures"},
    "figures.viewpoint": {"ja": "観点", "en": "Viewpoint"},
    "figures.year": {"ja": "年度", "en": "Fiscal year"},
    "figures.period": {"ja": "計画期間", "en": "Plan period"},
    "figures.review_every": {"ja": "{f}", "en": "{f}"},
    "reports.title": {"ja": "整合性レポート", "en": "Alignment reports"},
    "reports.coverage": {"ja": "対応表（要素 × 上位計画の目標）", "en": "Coverage matrix (elements × upper-plan goals)"},
    "reports.gaps": {"ja": "空白（何も資していない上位計画の目標）", "en": "Gaps (upper-plan goals nothing supports)"},
    "reports.orphans": {"ja": "孤立（何にも資していない施策・基本方針）", "en": "Orphans (measures and policies that support nothing)"},
    "reports.explain": {"ja": "整合の説明（経路）", "en": "Why an element aligns (path)"},
    "reports.element": {"ja": "要素", "en": "Element"},
    "reports.goal": {"ja": "上位計画の目標", "en": "Upper-plan goal"},
    "reports.none": {"ja": "該当するものはありません。", "en": "None."},
    "reports.no_path": {"ja": "この要素からこの目標への経路はありません。", "en": "No path from this element to this goal."},
    "reports.csv": {"ja": "CSV", "en": "CSV"},
    "reports.json": {"ja": "JSON", "en": "JSON"},
    "reports.show": {"ja": "表示", "en": "Show"},
}


def vt(key: str, **fields: object) -> str:
    """The string ``key`` in the page's language (falls back to Japanese, then the key)."""
    from .i18n import lookup

    return lookup(MESSAGES, key, **fields)


def register(bp: Blueprint) -> None:
    """Give one blueprint's templates ``vt``. Errors go to the app's one handler (:mod:`web.errors`)."""
    bp.context_processor(lambda: {"vt": vt})
