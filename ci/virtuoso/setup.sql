-- PlanGraph CI: accounts on the loopback Virtuoso (run by ci/start-servers.sh through isql).
-- Anonymous /sparql may read; the `plangraph` user may write over Digest on /sparql-auth
-- and through the Graph Store Protocol on /sparql-graph-crud-auth.
-- Idempotent: creating an existing user fails harmlessly (errors are ignored by isql's batch).
DB.DBA.USER_CREATE ('plangraph', 'plangraph-ci');
USER_SET_PASSWORD ('plangraph', 'plangraph-ci');
GRANT SPARQL_SELECT TO "plangraph";
GRANT SPARQL_UPDATE TO "plangraph";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('plangraph', 3);
-- Virtuoso's own graphs are private, so that its default graph (the union PlanGraph's queries
-- read), its graph list and the service description hold PlanGraph's graphs only, as the embedded
-- store's do. These are the graphs a fresh 7.2 holds (`SELECT ?g WHERE { GRAPH ?g {?s ?p ?o} }
-- GROUP BY ?g` before the first push); DAV/ and the service-description graph are named after
-- DefaultHost in virtuoso.ini. Private graphs stay readable to dba and to Virtuoso itself.
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.openlinksw.com/schemas/virtrdf#');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.w3.org/2002/07/owl#');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.w3.org/ns/ldp#');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://127.0.0.1:8890/DAV/');
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://127.0.0.1:8890/sparql');
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('plangraph', 0, 1);
checkpoint;
