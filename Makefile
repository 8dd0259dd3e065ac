# vetter — build, test, demo.  'make demo' and 'make check' are the two commands a
# fresh machine needs; both install missing Debian packages first ('make deps').

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/vetter

CC        ?= cc
CFLAGS    ?= -O2 -g
LDFLAGS   ?=
SANITIZE  ?=

PKGS      := libcurl jansson libarchive sqlite3 yaml-0.1 libxml-2.0 openssl zlib libzstd

# Required flags live apart from CFLAGS so 'make CFLAGS=-O0' cannot drop them.
REQ_CFLAGS   := -std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
                -Wformat=2 -Wno-format-nonliteral -pthread -Isrc -I. -DVETTER_VERSION='"$(VERSION)"' \
                -DVETTER_DATADIR='"$(DATADIR)"' -MMD -MP
PKG_CFLAGS    = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lm -pthread

ifneq ($(SANITIZE),)
BUILD     := build/san
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
BIN       := $(BUILD)/vetter
else
BUILD     := build/default
SAN_FLAGS :=
BIN       := vetter
endif

ALL_CFLAGS  = $(REQ_CFLAGS) $(PKG_CFLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

LIB_SRC   := $(sort $(wildcard src/core/*.c src/cmd/*.c src/scan/*.c src/vulndb/*.c src/compliance/*.c src/report/*.c \
               connectors/*.c scoring/*.c src/kit/*.c src/import/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/src/main.o
LIB       := $(BUILD)/libvetter.a

TEST_SRC  := $(sort $(wildcard tests/unit/*.c tests/lib/*.c))
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(BUILD)/vetter-tests
SUITES    := $(BUILD)/gen/suites.inc

FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
# The same harnesses with a plain main(), to replay tests/fuzz/regressions in make check.
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)
FUZZ_SECONDS ?= 60

VETTER_TESTDATA ?= $(abspath ../shared/data)
export VETTER_TESTDATA

.PHONY: all check demo deps bench fuzz install clean tests
.DELETE_ON_ERROR:

all: $(BIN)

V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(PKG_LIBS)

# Every tests/unit file defines one or more 'Suite *NAME_suite(void)'; the runner
# calls them all, so adding a test file needs no other edit.
$(SUITES): $(TEST_SRC)
	@mkdir -p $(dir $@)
	@grep -ho '^Suite \*[a-z0-9_]*_suite(void)' $(filter tests/unit/%,$(TEST_SRC)) | \
	  sed 's/^Suite \*\([a-z0-9_]*\)(void)/SUITE(\1)/' > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/lib/runner.o: $(SUITES)
$(BUILD)/tests/%.o: ALL_CFLAGS += $(shell pkg-config --cflags check) -I$(BUILD)/gen -Itests/lib

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(PKG_LIBS) $(shell pkg-config --libs check)

$(BUILD)/fuzz-replay/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay_main.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

tests: $(BIN) $(TEST_BIN) $(REPLAY_BIN)

deps:
	@scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory tests
	@VETTER_BIN=$(abspath $(BIN)) VETTER_ROOT=$(CURDIR) VETTER_FUZZ_REPLAY_DIR=$(abspath $(BUILD)/fuzz-replay) \
	  VETTER_VULNDB=$${VETTER_VULNDB:-$(abspath $(BUILD))/no-such-vulndb.sqlite} $(TEST_BIN)

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo.sh $(abspath $(BIN))

bench: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/bench.sh $(abspath $(BIN))

FUZZ_LIB_SRC := $(filter-out src/cmd/%,$(LIB_SRC))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=build/fuzz/obj/%.o)
.SECONDARY: $(FUZZ_LIB_OBJ)
FUZZ_CFLAGS   = $(filter-out -MMD -MP,$(REQ_CFLAGS)) $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer-no-link,address,undefined

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@clang $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZLD  $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz: deps $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/vetter
	install -m 0644 docs/vetter.1 $(DESTDIR)$(MANDIR)/man1/vetter.1
	cp -R templates rules $(DESTDIR)$(DATADIR)/

clean:
	rm -rf build vetter out samples/*/*.vetter

.SECONDARY: $(FUZZ_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/fuzz/replay_main.o

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
