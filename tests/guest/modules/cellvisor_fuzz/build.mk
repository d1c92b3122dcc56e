# The root fuzzer cellvisor_fuzz.ko is built by tests/guest/modules/build.mk.

# The guest-tier fuzz scenario: 10000 operations each from a cell and from the root in
# 'make check'; 'make fuzz' runs it again with FUZZ_GUEST_OPS (default 100000) each and
# FUZZ_SEED (default: a new one each time, printed), the variables set in a copy of it.
GUEST_TESTS += tests/guest/scenarios/fuzz.sh
FUZZ_GUEST_OPS ?= 100000
FUZZ_SEED ?= $(shell date +%s)

.PHONY: fuzz-guest
fuzz: fuzz-guest
fuzz-guest: image
	@mkdir -p $(O)/fuzz
	$(Q){ sed -n 1p tests/guest/scenarios/fuzz.sh; \
	  echo "FUZZ_SEED=$(FUZZ_SEED) FUZZ_CELL_OPS=$(FUZZ_GUEST_OPS) FUZZ_ROOT_OPS=$(FUZZ_GUEST_OPS)"; \
	  echo "export FUZZ_SEED FUZZ_CELL_OPS FUZZ_ROOT_OPS"; \
	  sed 1d tests/guest/scenarios/fuzz.sh | sed 's/^# timeout: .*/# timeout: 7200/'; \
	} > $(O)/fuzz/fuzz-guest.sh
	$(Q)tests/guest/run --name fuzz-guest --timeout 7200 $(O)/fuzz/fuzz-guest.sh
