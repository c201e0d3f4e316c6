#!/bin/sh
# Worker for the task `shipping_info`: looks up where an order goes.
#   stdin:  the task input as JSON, e.g. {"order_id":"o-1"}
#   stdout: the task output as JSON, e.g. {"order_id":"o-1","address":"..."}
# A real worker would query a database; this one makes the address up. Plain POSIX sh + sed,
# no jq needed. A non-zero exit fails the task, with the end of stderr as the reason.
set -eu
input=$(cat)
order_id=$(printf '%s\n' "$input" | sed -n 's/.*"order_id" *: *"\([^"]*\)".*/\1/p')
if [ -z "$order_id" ]; then
  echo "shipping_info: the input has no \"order_id\": $input" >&2
  exit 2
fi
printf '{"order_id":"%s","address":"42 Harbour Street, Springfield (order %s)"}\n' \
  "$order_id" "$order_id"
