#!/bin/sh
# Build an OCI image for the tests with umoci, from layer tarballs.
# usage: mkimage.sh LAYOUT TAG [--user U] [--env K=V]... [--label K=V]... [--created RFC3339] [--arch A]
#                   LAYER.tar...
set -eu
layout="$1"; tag="$2"; shift 2
cfg=""
[ -d "$layout" ] || umoci init --layout "$layout"
umoci new --image "$layout:$tag"
while [ $# -gt 0 ]; do
	case "$1" in
	--user) cfg="$cfg --config.user=$2"; shift 2 ;;
	--env) cfg="$cfg --config.env=$2"; shift 2 ;;
	--label) cfg="$cfg --config.label=$2"; shift 2 ;;
	--port) cfg="$cfg --config.exposedports=$2"; shift 2 ;;
	--cmd) cfg="$cfg --config.cmd=$2"; shift 2 ;;
	--history) cfg="$cfg --history.created_by=$2"; shift 2 ;;
	--created) cfg="$cfg --created=$2"; shift 2 ;;
	--arch) cfg="$cfg --architecture=$2"; shift 2 ;;
	*) umoci raw add-layer --image "$layout:$tag" "$1"; shift ;;
	esac
done
# shellcheck disable=SC2086
[ -z "$cfg" ] || umoci config --image "$layout:$tag" $cfg
umoci gc --layout "$layout"
