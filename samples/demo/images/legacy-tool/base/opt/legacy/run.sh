#!/bin/sh
# nightly settlement export (2019), owner left the company
exec /opt/legacy/export "$@"
