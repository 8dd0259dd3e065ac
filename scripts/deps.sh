#!/bin/sh
# Install the Debian packages vetter's build and tests need; do nothing when all
# are present (no apt-get update, no network).
set -eu
PKGS="libcurl4-openssl-dev libssl-dev libxml2-dev libjansson-dev libhpdf-dev libsqlite3-dev
libyaml-dev libarchive-dev zlib1g-dev libzstd-dev check pkg-config fonts-dejavu-core
poppler-utils clang jq python3 libarchive-tools sqlite3
rpm golang-go umoci skopeo python3-jsonschema zstd openssl
docker-registry apache2-utils"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# The AWS CLI (the aws kit's test runs it): any aws on PATH will do (pip's, or Debian's awscli).
command -v aws >/dev/null 2>&1 || missing="$missing awscli"
[ -z "$missing" ] && exit 0

echo "make deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
