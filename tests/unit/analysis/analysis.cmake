# Run metrics and thresholds, sample statistics, autoscaling metrics and experiment summaries (core/analysis).
faaswb_add_qtest(tst_run_metrics LABEL unit SOURCES tst_run_metrics.cpp TIMEOUT 30)
faaswb_add_qtest(tst_stats LABEL unit SOURCES tst_stats.cpp TIMEOUT 30)
faaswb_add_qtest(tst_autoscaling_metrics LABEL unit SOURCES tst_autoscaling_metrics.cpp TIMEOUT 30)
faaswb_add_qtest(tst_summary LABEL unit SOURCES tst_summary.cpp TIMEOUT 30)
