# shellcheck shell=bash
# podman-env.sh: sourced by build-image.sh and test-image.sh.
#
# podman_setup IMAGE runs `true` in IMAGE (any image with /usr/bin/true) and, when podman's defaults fail on
# this host, points CONTAINERS_CONF at a private containers.conf that works,
# for this process and its children only (the host's configuration is never
# touched). Two failures are known, both from sandboxed VMs:
#   - crun: "cgroups in hybrid mode not supported, drop all controllers from
#     cgroupv2" (cgroup v1 hierarchies beside a cgroup2 mount that still has a
#     controller): runc supports that layout, so use it (apt-get install runc);
#   - "setrlimit RLIMIT_NOFILE / RLIMIT_NPROC: Operation not permitted": root
#     without CAP_SYS_RESOURCE cannot raise the limits podman asks for, so ask
#     for this shell's own hard limits instead.
podman_setup() {
	local image=$1 err
	if err=$(podman run --rm --health-cmd none --entrypoint true "$image" 2>&1); then
		return 0
	fi
	echo "podman: the default runtime fails here: $err" >&2
	command -v runc >/dev/null || {
		echo "podman: installing runc with apt" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runc >/dev/null
	}
	local nproc
	nproc=$(ulimit -Hu)
	[ "$nproc" = unlimited ] && nproc=65536
	# Even the hard limit failed for RLIMIT_NPROC under runc on the VM this
	# was written on (cause unknown); 4096 processes is plenty and works.
	[ "$nproc" -gt 4096 ] && nproc=4096
	PODMAN_CONF_DIR=$(mktemp -d)
	cat >"$PODMAN_CONF_DIR/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
CONF
	export CONTAINERS_CONF="$PODMAN_CONF_DIR/containers.conf"
	if ! err=$(podman run --rm --health-cmd none --entrypoint true "$image" 2>&1); then
		echo "podman: containers cannot run on this host: $err" >&2
		return 1
	fi
	echo "podman: using runc and this shell's hard ulimits ($CONTAINERS_CONF)" >&2
}
