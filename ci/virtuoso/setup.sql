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
checkpoint;
