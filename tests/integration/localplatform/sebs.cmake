# SeBS-layout benchmarks (local-path images) through the `local` adapter: deploy, invoke, missing-module refusal.
faaswb_add_qtest(tst_local_sebs LABEL integration SOURCES tst_local_sebs.cpp TIMEOUT 60)
