# Sourced by the scripts that run lbbench-live (and other long commands): one bounded run that a
# Ctrl-C or a SIGTERM/SIGHUP to the script stops, instead of leaving it running.
#
#   bounded_run SECONDS COMMAND [ARG...]
#
# Runs COMMAND under `timeout --signal=TERM --kill-after=15 SECONDS` in the background and waits
# for it; returns its exit status (124 when it ran out of time). `timeout` puts itself and COMMAND
# in a process group of their own, which a Ctrl-C at the terminal does not reach, so the script
# forwards INT, TERM and HUP itself: it sends SIGTERM to timeout's PID (timeout passes it on to
# COMMAND and its group, and sends SIGKILL 15 s later if they are still there, so lbbench-live
# stops what it started), waits until the run has ended, and then exits with 128 + the signal's
# number (130, 143, 129): the script does not go on after an interrupt, and its EXIT trap runs.
# The script's own INT/TERM/HUP traps are put back after the run.
# A script started with INT or HUP ignored (`nohup`, or a background job of another script, which
# ignores INT) cannot trap them (bash leaves a signal ignored on entry ignored): there they stay
# ignored, as its caller chose, and only TERM stops the run.
bounded_run() {
    local seconds=$1 saved status
    shift
    saved=$(trap -p INT TERM HUP)
    _bounded_run_pid=""
    _bounded_run_signal=""
    trap '_bounded_run_forward INT 130' INT
    trap '_bounded_run_forward TERM 143' TERM
    trap '_bounded_run_forward HUP 129' HUP
    timeout --signal=TERM --kill-after=15 "$seconds" "$@" &
    _bounded_run_pid=$!
    if [ -n "$_bounded_run_signal" ]; then kill -TERM "$_bounded_run_pid" 2>/dev/null || true; fi
    while :; do
        status=0
        wait "$_bounded_run_pid" || status=$?
        # A trapped signal ends `wait` early, with the run still going: wait again until it ends.
        kill -0 "$_bounded_run_pid" 2>/dev/null || break
    done
    trap - INT TERM HUP
    eval "$saved"
    if [ -n "$_bounded_run_signal" ]; then
        echo "${0##*/}: interrupted (SIG$_bounded_run_signal); the bounded run ($1) was stopped" >&2
        exit "$_bounded_run_status"
    fi
    return "$status"
}

_bounded_run_forward() {  # _bounded_run_forward SIGNAL EXIT-STATUS
    if [ -z "$_bounded_run_signal" ]; then _bounded_run_signal=$1; _bounded_run_status=$2; fi
    if [ -n "$_bounded_run_pid" ]; then kill -TERM "$_bounded_run_pid" 2>/dev/null || true; fi
}
