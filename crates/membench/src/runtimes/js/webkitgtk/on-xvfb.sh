#!/bin/sh
# Starts Xvfb on a display it picks itself (`-displayfd`: no race with another session for a
# number), waits for it, and runs the browser on it. Arguments: the session's directory (where
# the display number is written), Xvfb, then the browser's command line. webkitgtk.rs hands
# `sh -c` the lines below these comments, without the last newline.
d="$1"; x="$2"; shift 2
"$x" -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$d/display" &
i=0
while [ ! -s "$d/display" ]; do
  i=$((i + 1)); [ "$i" -gt 600 ] && { echo "Xvfb did not start within 30 s" >&2; exit 1; }
  sleep 0.05
done
DISPLAY=":$(cat "$d/display")" exec "$@"
