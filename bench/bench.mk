# bench/bench.mk - "make bench" (issue 8); included by the top Makefile.
#
#   make bench        install the peers (dtc, iasl) and gnuplot, build the
#                     benchmark against the release library, run it: table
#                     on stdout; results.tsv, plot data and bench.svg in
#                     $(BUILD)/bench/ (BENCH_ARGS="--max-n 10000 --no-peers"
#                     for a quick look)
#   make bench-doc    copy the last run's plot to doc/bench.svg (README)
#
# Not part of "make check": timing never decides a test.

BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_HDRS := $(wildcard bench/*.h)
BENCH_DIR  := $(BUILD)/bench
BENCH_BIN  := $(BENCH_DIR)/memcarve-bench
BENCH_ARGS ?=

.PHONY: bench bench-run bench-doc

$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(STATIC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ibench -o $@ $(BENCH_SRCS) $(STATIC) \
		$(LDLIBS_LIB) -lm

# The packages first, then the build: libfdt's headers come with them.
bench:
	@scripts/deps bench
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BENCH_BIN) $(TOOL)
	$(BENCH_BIN) --tool $(TOOL) --out $(BENCH_DIR) $(BENCH_ARGS)
	gnuplot -e "dir='$(BENCH_DIR)'" bench/plot.gp
	@echo "plot: $(BENCH_DIR)/bench.svg"

bench-doc:
	cp $(BENCH_DIR)/bench.svg doc/bench.svg
