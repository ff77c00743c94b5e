# Sourced by the build scripts that need Debian packages on the build machine (a clean CI machine has none of
# them). The caller defines log and die.
#
#   install_debian_packages PACKAGE...
#
# Installs the packages that are not installed yet, with no recommends, and refreshes the package lists only when
# the first attempt fails (a machine whose lists are recent enough needs no network round for them). While it runs,
# policy-rc.d forbids maintainer scripts to start system services: containerd, for one, would otherwise start as
# the host's service, and the builds only ever want the binaries.

install_debian_packages() {
  local missing=() p status policy_rc=/usr/sbin/policy-rc.d had_policy=0 rc=0
  for p in "$@"; do
    status="$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
  ((${#missing[@]} > 0)) || return 0
  log "== apt-get install -y --no-install-recommends ${missing[*]}"
  [[ -e "$policy_rc" ]] && had_policy=1
  [[ $had_policy == 1 ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod 755 "$policy_rc"; } ||
    die "cannot write $policy_rc (installing Debian packages needs root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; } || rc=$?
  [[ $had_policy == 1 ]] || rm -f "$policy_rc"
  [[ $rc == 0 ]] || die "apt-get could not install ${missing[*]}"
}
