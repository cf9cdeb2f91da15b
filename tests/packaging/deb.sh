#!/usr/bin/env bash
# Builds the .deb with CPack, installs it, checks the binary, man page and completions
# where Debian expects them, and removes it again. Needs root (CI runs as root).
set -euo pipefail
: "${AGENTPG_BUILD:?AGENTPG_BUILD must name the build folder (ctest sets it)}"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: installing a .deb needs root" >&2; exit 1; }
out=$(mktemp -d /tmp/agentpg-deb-XXXXXX)
trap 'dpkg -r agentpg >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
# The compressed man page and changelog are built by the default target, not the tests'.
cmake --build "$AGENTPG_BUILD" --target agentpg_docs >/dev/null
(cd "$AGENTPG_BUILD" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; exit 1; }
deb=$(ls "$out"/agentpg_*.deb)
# The shared libraries it loads are libssl's and libcrypto's, and libyaml's (Debian wants
# the system's copy of it): libpq and the C++ ones are linked in, and libpq's GSSAPI and
# LDAP libraries are loaded at first use, so recommended.
depends=$(dpkg-deb --field "$deb" Depends)
recommends=$(dpkg-deb --field "$deb" Recommends)
for lib in libssl3 libc6 libyaml-0-2; do
  grep -q "$lib" <<<"$depends" || { echo "FAIL: the package does not depend on $lib: $depends" >&2; exit 1; }
done
for lib in libgssapi-krb5-2 libldap; do
  grep -q "$lib" <<<"$recommends" || { echo "FAIL: the package does not recommend $lib: $recommends" >&2; exit 1; }
done
for lib in libpq5 libpqxx libyaml-cpp libhiredis libfmt libstdc++ libgssapi libldap; do
  ! grep -q "$lib" <<<"$depends" || { echo "FAIL: the package depends on $lib (linked in, or loaded at first use): $depends" >&2; exit 1; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }

# The maintainer is a real name and address, the one who signed the newest changelog entry.
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
maintainer=$(dpkg-deb --field "$deb" Maintainer)
signer=$(dpkg-parsechangelog -l "$source_dir/packaging/changelog" -S Maintainer)
[ "$maintainer" = "$signer" ] || fail "Maintainer '$maintainer' is not the changelog's '$signer'"
grep -Eq '^[^<>@]+ <[^<>@ ]+@[a-z0-9-]+(\.[a-z0-9-]+)+>$' <<<"$maintainer" || fail "Maintainer '$maintainer' is not 'Name <address>'"
! grep -Eq '@(localhost|example\.)' <<<"$maintainer" || fail "Maintainer '$maintainer' is not a real address"
[ -n "$(dpkg-deb --field "$deb" Description | sed -n 2p)" ] || fail "the package has no long description"

# lintian, Debian's own package checker: neither an error nor a warning.
lintian --tag-display-limit 0 "$deb" >"$out/lintian.log" 2>&1 || true
if grep -E '^[EW]: ' "$out/lintian.log"; then fail "lintian reports the errors or warnings above"; fi
grep -q . <<<"$(lintian --version)" || fail "lintian does not run"

dpkg -i "$deb" >/dev/null
/usr/bin/agentpg --version | grep -qx "agentpg [0-9.]*" || { echo "FAIL: installed agentpg --version" >&2; exit 1; }
[ "$(man -w agentpg)" = /usr/share/man/man1/agentpg.1.gz ] || fail "man -w agentpg: $(man -w agentpg 2>&1)"
# The man page is the one generated from the CLI, compressed at gzip's best, with no name
# or time stamp in it (the same bytes on every build).
cmp <(zcat /usr/share/man/man1/agentpg.1.gz) "$source_dir/man/agentpg.1" || fail "the installed man page is not man/agentpg.1"
[ "$(od -An -tx1 -j3 -N5 /usr/share/man/man1/agentpg.1.gz | tr -d ' ')" = 0000000000 ] || fail "the man page's gzip header holds a name or time"
man_text=$(MANWIDTH=200 man agentpg 2>/dev/null)
for section in NAME SYNOPSIS COMMANDS 'GLOBAL OPTIONS' CONFIGURATION ENVIRONMENT 'SEED FILES' FILES 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
  grep -qx "$section" <<<"$man_text" || fail "man agentpg has no $section section"
done
# Debian's documentation folder: the copyright file (machine-readable, MIT as in LICENSE),
# the changelog (Debian's format, this version), the JSON output schema.
doc=/usr/share/doc/agentpg
grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' $doc/copyright || fail "$doc/copyright is not machine-readable"
grep -qx 'License: Expat' $doc/copyright || fail "$doc/copyright does not name the licence"
grep -qx ' Permission is hereby granted, free of charge, to any person obtaining a copy' $doc/copyright || fail "$doc/copyright lacks the licence text"
grep -q "$(sed -n 3p "$source_dir/LICENSE" | sed 's/^Copyright (c) //')" $doc/copyright || fail "$doc/copyright lacks LICENSE's copyright line"
version=$(/usr/bin/agentpg --version | cut -d' ' -f2)
[ "$(zcat $doc/changelog.gz | dpkg-parsechangelog -l- -S Version)" = "$version" ] || fail "$doc/changelog.gz is not for $version"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' $doc/output.schema.json || fail "$doc/output.schema.json"
# The five systems come inside the binary: written out from an empty folder, they are the
# repository's migrations/ and seeds/, byte for byte.
mkdir "$out/empty"
(cd "$out/empty" && /usr/bin/agentpg bundled write --to "$out/bundled" >/dev/null) || fail "installed agentpg bundled write"
diff -r "$source_dir/migrations" "$out/bundled/migrations" >&2 || fail "the installed binary's bundled migrations differ"
diff -r "$source_dir/seeds" "$out/bundled/seeds" >&2 || fail "the installed binary's bundled seeds differ"
# Stripped: no symbol table, no debug information.
! grep -Eq '\.symtab|\.debug_info' <<<"$(readelf -S --wide /usr/bin/agentpg)" || fail "/usr/bin/agentpg is not stripped"
for f in /usr/share/bash-completion/completions/agentpg /usr/share/zsh/vendor-completions/_agentpg \
         /usr/share/fish/vendor_completions.d/agentpg.fish; do
  [ -f "$f" ] || { echo "FAIL: $f was not installed" >&2; exit 1; }
done
dpkg -r agentpg >/dev/null
[ ! -e /usr/bin/agentpg ] && [ ! -e $doc/copyright ] || fail "dpkg -r left files behind"

# cmake --install (no package) installs the same files, the binary stripped too.
prefix="$out/prefix"
cmake --install "$AGENTPG_BUILD" --prefix "$prefix" >"$out/install.log" 2>&1 || { cat "$out/install.log" >&2; fail "cmake --install"; }
! grep -Eq '\.symtab|\.debug_info' <<<"$(readelf -S --wide "$prefix/bin/agentpg")" || fail "cmake --install left the binary unstripped"
grep -q '\.debug_info' <<<"$(readelf -S --wide "$AGENTPG_BUILD/agentpg")" || fail "the build's own binary lost its debug information"
"$prefix/bin/agentpg" --version >/dev/null || fail "the stripped binary does not run"
for f in share/man/man1/agentpg.1.gz share/doc/agentpg/copyright share/doc/agentpg/changelog.gz \
         share/doc/agentpg/output.schema.json share/bash-completion/completions/agentpg; do
  [ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done
[ ! -e /usr/bin/agentpg ] || { echo "FAIL: dpkg -r left /usr/bin/agentpg" >&2; exit 1; }
echo "package ok: $(basename "$deb")"
