# --local in a project too deep for a unix socket path: the socket folder falls back to
# /tmp/agentpg-<hash>, a name anyone can create first. A symbolic link, a folder others can
# enter, or another user's folder there is refused (exit 2) and nothing is done through
# it; a folder agentpg makes itself is private, and works.
source "$(dirname "$0")/lib.sh"
deep="$WORK/$(printf 'p%.0s' {1..50})/$(printf 'q%.0s' {1..40})"
mkdir -p "$deep" && cd "$deep"
sock="/tmp/agentpg-$(printf %s "$deep/.agentpg" | sha256sum | cut -c1-12)"
trap '"$AGENTPG" --yes local destroy >/dev/null 2>&1 || true; rm -rf "$sock"; cleanup' EXIT
run "$AGENTPG" --json local status
[ "$(json_get 'd["socket_dir"]')" = "$sock" ] || fail "socket folder is not $sock: $(out)"
rm -rf "$sock"

# A symbolic link planted there: refused, and its target is neither chowned nor used.
mkdir -m 0755 "$WORK/victim"
ln -s "$WORK/victim" "$sock"
before=$(stat -c '%U:%G %a' "$WORK/victim")
run "$AGENTPG" --local check
expect_code 2
expect_err "the local server's socket folder $sock is a symbolic link: refusing to use it"
expect_err "delete $sock if it is not yours, or choose a shorter --local-dir"
[ "$(stat -c '%U:%G %a' "$WORK/victim")" = "$before" ] || fail "the symlink's target changed: $(stat -c '%U:%G %a' "$WORK/victim")"
[ -z "$(ls -A "$WORK/victim")" ] || fail "something was written through the symlink: $(ls -A "$WORK/victim")"
[ -L "$sock" ] || fail "the symlink was replaced"
rm "$sock"

# A folder others can enter: refused as it is, not re-secured.
mkdir "$sock" && chmod 0777 "$sock"
run "$AGENTPG" --local check
expect_code 2
expect_err "$sock is open to other users (mode 0777; it must be 0700)"
[ "$(stat -c %a "$sock")" = 777 ] || fail "the planted folder was changed"
rm -rf "$sock"

# Another user's private folder: refused.
mkdir -m 0700 "$sock" && chown nobody "$sock"
run "$AGENTPG" --local check
expect_code 2
expect_err "$sock belongs to another user (uid $(id -u nobody))"
rm -rf "$sock"

# Nothing there: agentpg makes it, 0700 and owned by the account that runs the server.
run "$AGENTPG" --local check
expect_code 0
owner=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
[ "$(stat -c '%a %U' "$sock")" = "700 $owner" ] || fail "socket folder is $(stat -c '%a %U' "$sock")"
run "$AGENTPG" --local check
expect_code 0
run "$AGENTPG" --yes local destroy
expect_code 0
[ ! -e "$sock" ] || fail "local destroy left $sock"
