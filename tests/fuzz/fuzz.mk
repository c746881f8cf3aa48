# libFuzzer targets (issue 9), included by the top Makefile.
#
#   make fuzz         every target for FUZZ_SECONDS (default 60) each; the
#                     corpus grows in $(BUILD)/fuzz/corpus/TARGET, crashes
#                     land in $(BUILD)/fuzz/crash-TARGET-*
#   make fuzz-smoke   every regression input under fixtures/fuzz/TARGET,
#                     then every target for FUZZ_SMOKE_SECONDS (10) from
#                     its seeds; part of `make check`
#   make fuzz-TARGET  one target, e.g. make fuzz-map FUZZ_SECONDS=600
#   make determinism  every golden case twice: byte-identical (check too)
#   make fuzz-cli     the memcarve tool itself under random argv and inputs
#                     (tests/fuzz/cli_fuzz.py) for FUZZ_SECONDS, plain under
#                     ulimit -v and ASan+UBSan by turns; failures are
#                     replay scripts in $(BUILD)/fuzz/cli-findings
#   make fuzz-cli-smoke  the same for FUZZ_CLI_SMOKE_SECONDS (20), fixed
#                     seed; part of `make check`
#
# Targets are tests/fuzz/fuzz_*.c, linked with tests/fuzz/emit.c and the
# library sources, all built by Debian's clang 14 with libFuzzer, ASan and
# UBSan (libclang-rt-14-dev) in $(BUILD)/fuzz. Seeds are the fixtures of
# the input each target reads, plus its regression inputs.

FUZZ_CC            ?= clang-14
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SAN   := -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude $(PRIV_INC) -Icore \
	      -g -O1 $(FUZZ_SAN)
# libFuzzer: stop on a leak, a slow input or a runaway allocation too.
FUZZ_RUN   := -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
	      -print_final_stats=1

FUZZ_NAMES := $(sort $(patsubst tests/fuzz/fuzz_%.c,%, \
		$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_LIB   := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_EMIT  := $(BUILD)/fuzz/obj/tests/fuzz/emit.o

# The fixtures each target starts from (files only; libFuzzer wants dirs).
FUZZ_SEEDS_map        := $(wildcard fixtures/*.map fixtures/*/*.map)
FUZZ_SEEDS_resv       := $(wildcard fixtures/*.resv fixtures/errors/*.resv)
FUZZ_SEEDS_dt_patch   := $(wildcard fixtures/dt/*.dtb)
FUZZ_SEEDS_acpi_patch := $(wildcard fixtures/acpi/*.aml fixtures/srat/*.aml)
FUZZ_SEEDS_inspect    := $(wildcard fixtures/dt/*.dtb fixtures/acpi/*.aml \
			   fixtures/srat/*.aml fixtures/acpi/*.bin fixtures/e820/*.zeropage \
			   fixtures/e820/*.setup_data fixtures/e820/*.table \
			   fixtures/core/*.show fixtures/core/*.json \
			   fixtures/core/*.slots* fixtures/e820/*.txt \
			   fixtures/numa/*.show fixtures/numa/*.json \
			   fixtures/numa/*.slots* \
			   fixtures/cmdline/*.txt fixtures/inspect/*.txt \
			   fixtures/inspect/*.bin fixtures/pvh/*.pvh \
			   fixtures/ssdt/*.aml)
FUZZ_SEEDS_bzimage    := $(wildcard fixtures/e820/bzimage-*.bin)
FUZZ_SEEDS_pvh_kernel := $(wildcard fixtures/pvh/*.elf)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-regress determinism fuzz-cli \
	fuzz-cli-smoke fuzz-cli-tools $(FUZZ_NAMES:%=fuzz-%) \
	$(FUZZ_NAMES:%=$(BUILD)/fuzz/seeds/%)
# Keep the objects: they are shared by every target.
.SECONDARY: $(FUZZ_LIB) $(FUZZ_EMIT) \
	$(FUZZ_NAMES:%=$(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o)

fuzz-build: $(FUZZ_BINS)

# inspect also reads the show and slots reports, which the tool decodes.
$(BUILD)/fuzz/fuzz_inspect: $(BUILD)/fuzz/obj/cli/decode_report.o

$(BUILD)/fuzz/obj/%.o: %.c $(HEADERS) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_EMIT) \
		$(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS_LIB)

# A seed directory per target, rebuilt from the fixtures every run.
$(FUZZ_NAMES:%=$(BUILD)/fuzz/seeds/%): $(BUILD)/fuzz/seeds/%:
	@rm -rf $@ && mkdir -p $@
	@for f in $(FUZZ_SEEDS_$*) $(wildcard fixtures/fuzz/$*/*); do \
		cp "$$f" "$@/$$(echo "$$f" | tr / _)"; done

fuzz: $(FUZZ_NAMES:%=fuzz-%) fuzz-cli

$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(BUILD)/fuzz/fuzz_% $(BUILD)/fuzz/seeds/%
	@mkdir -p $(BUILD)/fuzz/corpus/$*
	@echo "== fuzz $* for $(FUZZ_SECONDS) s"
	$< $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(BUILD)/fuzz/crash-$*- \
		$(patsubst %,-dict=%,$(wildcard tests/fuzz/$*.dict)) \
		$(BUILD)/fuzz/corpus/$* $(BUILD)/fuzz/seeds/$* \
		2>$(BUILD)/fuzz/$*.log || { tail -60 $(BUILD)/fuzz/$*.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|Done)' $(BUILD)/fuzz/$*.log

# Every input that once crashed, replayed once each.
fuzz-regress: $(FUZZ_BINS)
	@for t in $(FUZZ_NAMES); do \
		set -- fixtures/fuzz/$$t/*; [ -e "$$1" ] || continue; \
		$(BUILD)/fuzz/fuzz_$$t "$$@" >$(BUILD)/fuzz/regress-$$t.log \
			2>&1 || { tail -40 $(BUILD)/fuzz/regress-$$t.log; \
			echo "fuzz-regress: $$t failed"; exit 1; }; \
		echo "fuzz-regress: $$t: $$# inputs clean"; \
	done

# Short runs from the seeds alone, in a scratch corpus, a fixed seed.
fuzz-smoke: fuzz-regress $(FUZZ_NAMES:%=$(BUILD)/fuzz/seeds/%)
	@for t in $(FUZZ_NAMES); do \
		rm -rf $(BUILD)/fuzz/smoke/$$t; mkdir -p $(BUILD)/fuzz/smoke/$$t; \
		d=tests/fuzz/$$t.dict; [ -e $$d ] && d=-dict=$$d || d=; \
		$(BUILD)/fuzz/fuzz_$$t $(FUZZ_RUN) -seed=1 \
			-max_total_time=$(FUZZ_SMOKE_SECONDS) $$d \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$(BUILD)/fuzz/smoke/$$t $(BUILD)/fuzz/seeds/$$t \
			>$(BUILD)/fuzz/smoke-$$t.log 2>&1 || \
			{ tail -60 $(BUILD)/fuzz/smoke-$$t.log; \
			echo "fuzz-smoke: $$t failed"; exit 1; }; \
		echo "fuzz-smoke: $$t: $$(sed -n \
			's/^stat::number_of_executed_units: *//p' \
			$(BUILD)/fuzz/smoke-$$t.log) runs clean"; \
	done

# Every golden case twice, in two different environments: the same bytes.
determinism: $(TOOL)
	@tests/fuzz/determinism $(TOOL)

# The CLI fuzzer: the plain tool and the ASan+UBSan one of `make asan`.
FUZZ_CLI_SMOKE_SECONDS ?= 20
FUZZ_CLI = nice python3 tests/fuzz/cli_fuzz.py $(TOOL) \
	   --asan $(BUILD)/asan/memcarve --findings $(BUILD)/fuzz/cli-findings

fuzz-cli-tools: $(TOOL)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 \
		CFLAGS="-O1 -g" $(BUILD)/asan/memcarve

fuzz-cli: fuzz-cli-tools
	@echo "== fuzz cli for $(FUZZ_SECONDS) s"
	@$(FUZZ_CLI) --seconds $(FUZZ_SECONDS) --seed $$(date +%s)

fuzz-cli-smoke: fuzz-cli-tools
	@$(FUZZ_CLI) --seconds $(FUZZ_CLI_SMOKE_SECONDS) --seed 1

EXTRA_CHECKS += fuzz-smoke fuzz-cli-smoke determinism
