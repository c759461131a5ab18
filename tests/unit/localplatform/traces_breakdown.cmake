# The per-hop trace breakdown (core/trace/breakdown.h) over synthetic gateway and function spans.
faaswb_add_qtest(tst_trace_breakdown LABEL unit SOURCES tst_trace_breakdown.cpp)
