#!/usr/bin/env bash
# Builds the .deb with CPack, installs it, checks the binary, man page and completions
# where Debian expects them, and removes it again. Needs root (CI runs as root).
set -euo pipefail
: "${AGENTPG_BUILD:?AGENTPG_BUILD must name the build folder (ctest sets it)}"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: installing a .deb needs root" >&2; exit 1; }
out=$(mktemp -d /tmp/agentpg-deb-XXXXXX)
trap 'dpkg -r agentpg >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
(cd "$AGENTPG_BUILD" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; exit 1; }
deb=$(ls "$out"/agentpg_*.deb)
# The shared libraries it loads are libssl's and libcrypto's: libpq and the C++ ones are
# linked in, and libpq's GSSAPI and LDAP libraries are loaded at first use, so recommended.
depends=$(dpkg-deb --field "$deb" Depends)
recommends=$(dpkg-deb --field "$deb" Recommends)
for lib in libssl3 libc6; do
  grep -q "$lib" <<<"$depends" || { echo "FAIL: the package does not depend on $lib: $depends" >&2; exit 1; }
done
for lib in libgssapi-krb5-2 libldap; do
  grep -q "$lib" <<<"$recommends" || { echo "FAIL: the package does not recommend $lib: $recommends" >&2; exit 1; }
done
for lib in libpq5 libpqxx libyaml-cpp libfmt libstdc++ libgssapi libldap; do
  ! grep -q "$lib" <<<"$depends" || { echo "FAIL: the package depends on $lib (linked in, or loaded at first use): $depends" >&2; exit 1; }
done
dpkg -i "$deb" >/dev/null
/usr/bin/agentpg --version | grep -qx "agentpg [0-9.]*" || { echo "FAIL: installed agentpg --version" >&2; exit 1; }
[ "$(man -w agentpg)" = /usr/share/man/man1/agentpg.1 ] || { echo "FAIL: man -w agentpg: $(man -w agentpg 2>&1)" >&2; exit 1; }
for f in /usr/share/bash-completion/completions/agentpg /usr/share/zsh/vendor-completions/_agentpg \
         /usr/share/fish/vendor_completions.d/agentpg.fish; do
  [ -f "$f" ] || { echo "FAIL: $f was not installed" >&2; exit 1; }
done
dpkg -r agentpg >/dev/null
[ ! -e /usr/bin/agentpg ] || { echo "FAIL: dpkg -r left /usr/bin/agentpg" >&2; exit 1; }
echo "package ok: $(basename "$deb")"
