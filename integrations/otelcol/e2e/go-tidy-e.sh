#!/bin/sh
# go, with "-e" added to "go mod tidy" so that tidy tolerates test-only
# imports of modules the proxy does not serve (the file exporter's tests
# import an encoding extension at a release that was never published).
# ocb runs the go binary named in its manifest's dist.go; point it here.
# The real go binary is $LW_GO, else the first go on PATH.
GO=${LW_GO:-go}
if [ "$1" = mod ] && [ "$2" = tidy ]; then
	shift 2
	exec "$GO" mod tidy -e "$@"
fi
exec "$GO" "$@"
