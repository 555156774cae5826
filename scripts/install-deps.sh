#!/usr/bin/env bash
# Installs (apt-get, Debian 12) the build tools, libraries and database servers etl needs, and only
# those that are missing (clang-14 and libclang-rt-14-dev: the libFuzzer build, docs/hardening.md;
# gcc's own ASan/UBSan runtimes come with build-essential); `apt-get update` runs only when
# something must be installed.
# Package postinst scripts are kept from starting system database services (scripts/servers.sh
# runs its own throwaway servers). Runs as root, or through sudo otherwise.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang-format git
  clang-14 libclang-rt-14-dev
  libyaml-cpp-dev libcli11-dev libpq-dev libmysqlcppconn-dev libsimdjson-dev libspdlog-dev nlohmann-json3-dev catch2
  mariadb-server mariadb-client postgresql postgresql-client
  time procps tmux openssl
  python3 python3-yaml python3-jinja2
)
POLICY_RC_D=/usr/sbin/policy-rc.d

die() {
  echo "install-deps.sh: $*" >&2
  exit 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "not root and sudo is not available; run as root"
  sudo_cmd=(sudo)
fi

echo "install-deps.sh: installing ${missing[*]}"

# A policy-rc.d that exits 101 tells invoke-rc.d not to start services; only ours is removed.
created_policy=false
if [[ ! -e "$POLICY_RC_D" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$POLICY_RC_D" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$POLICY_RC_D"
  created_policy=true
fi
cleanup() {
  if [[ $created_policy == true ]]; then "${sudo_cmd[@]}" rm -f "$POLICY_RC_D"; fi
}
trap cleanup EXIT

"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
  die "apt-get update failed"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
echo "install-deps.sh: installed ${#missing[@]} package(s)"
