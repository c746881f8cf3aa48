# make tools: render, diff and check (tests/tools/run.py): the SVG parses,
# has a shape per carved piece, is deterministic and shows in a headless
# browser; diff ignores encodings and reports each change once; check
# passes every output against its own map and finds each finding class.
# Part of make check.
.PHONY: tools
tools: $(TOOL)
	@nice python3 tests/tools/run.py $(TOOL)

EXTRA_CHECKS += tools
