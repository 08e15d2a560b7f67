#!/usr/bin/env bash
# Runs as root on the last VM once every node is provisioned (vagrant up --no-parallel).
# Steps 5-8 of vagrant/README.md: the Corosync/Pacemaker cluster, real fencing
# (fence_virsh under libvirt/KVM, fence_vbox under VirtualBox, both ssh-ing to the
# host), the hand-over of the first primary from systemd to Pacemaker, and the
# PostgreSQL resources from `pgha configure --apply`.
# Env: PGHA_NODES, PGHA_VIP, PGHA_HOST_IP, PGHA_VM_PREFIX, PGHA_FENCE_USER, and
# PGHA_HOST_OS (fence_vbox: linux, macos or windows); provision-node.sh installed the
# host account's private key as /root/.ssh/pgha_fence on every node.
set -euo pipefail

: "${PGHA_NODES:?}" "${PGHA_VIP:?}" "${PGHA_HOST_IP:?}" "${PGHA_VM_PREFIX:?}"
HACLUSTER_PASSWORD="${PGHA_HACLUSTER_PASSWORD:-pgha-demo-hacluster}"
FENCE_USER="${PGHA_FENCE_USER:-}"
FENCE_KEY=/root/.ssh/pgha_fence
# Debian's default PostgreSQL, as provision-node.sh installed it (15 on Debian 12, 17 on Debian 13).
PG_MAJOR="$(dpkg-query -W -f='${Depends}' postgresql | grep -o 'postgresql-[0-9]*' | head -n1 | cut -d- -f2)"
names=()
addresses=()
for pair in $PGHA_NODES; do names+=("${pair%%=*}"); addresses+=("${pair#*=}"); done

fail() { echo "provision-cluster: $*" >&2; exit 1; }

echo "== 5. fencing credentials"
if [ -z "$FENCE_USER" ] || [ ! -s "$FENCE_KEY" ]; then
  fail "real fencing needs a host account: set PGHA_FENCE_USER and PGHA_FENCE_KEY on the host (vagrant/README.md, \"Host-side fencing setup\"), then run: vagrant provision --provision-with fence-key,node,cluster"
fi
case "$(systemd-detect-virt)" in
  kvm|qemu) agent=fence_virsh; extra=(); cli_extra=() ;;
  oracle) agent=fence_vbox; extra=("host_os=${PGHA_HOST_OS:-linux}"); cli_extra=("--host-os=${PGHA_HOST_OS:-linux}") ;;
  *) fail "unknown hypervisor $(systemd-detect-virt): only libvirt/KVM (fence_virsh) and VirtualBox (fence_vbox) are set up" ;;
esac
# Check the account from here before handing it to Pacemaker: list must show our VMs.
"$agent" --ip="$PGHA_HOST_IP" --username="$FENCE_USER" --identity-file="$FENCE_KEY" --ssh "${cli_extra[@]}" --action=list \
  | grep -q "^${PGHA_VM_PREFIX}${names[0]}," || fail "$agent on $PGHA_HOST_IP as $FENCE_USER does not list ${PGHA_VM_PREFIX}${names[0]}"

echo "== 6. the cluster"
pcs host auth "${names[@]}" -u hacluster -p "$HACLUSTER_PASSWORD"
if ! pcs cluster status >/dev/null 2>&1; then
  setup=()
  for i in "${!names[@]}"; do setup+=("${names[$i]}" "addr=${addresses[$i]}"); done
  pcs cluster setup pgha "${setup[@]}" --start --wait=120
fi
# The cluster stack does not start at boot: after a fence, a node rejoins only once someone has looked.
pcs cluster disable --all

echo "== 7. fence devices ($agent), one per node, never run on the node they fence"
for name in "${names[@]}"; do
  device="fence-$name"
  pcs stonith config "$device" >/dev/null 2>&1 && continue
  pcs stonith create "$device" "$agent" ip="$PGHA_HOST_IP" username="$FENCE_USER" identity_file="$FENCE_KEY" ssh=1 \
    "${extra[@]}" plug="${PGHA_VM_PREFIX}${name}" pcmk_host_list="$name" op monitor interval=60s
  pcs constraint location "$device" avoids "$name"
done
pcs property set stonith-enabled=true
pgha fence verify || fail "pgha fence verify found a problem (above)"

echo "== 8. PostgreSQL under Pacemaker"
if ! pcs resource config pgsqld >/dev/null 2>&1; then
  # Hand the first primary over: a throw-away resource for its systemd unit with
  # target-role=Stopped makes Pacemaker stop it wherever it runs.
  pcs resource create pg-handover "systemd:postgresql@$PG_MAJOR-main" meta target-role=Stopped
  crm_resource --wait --timeout=120s
  pcs resource delete pg-handover
  pgha configure --nodes "$(IFS=,; echo "${names[*]}")" --vip "$PGHA_VIP/24" --vip-nic eth1 \
    --bindir "/usr/lib/postgresql/$PG_MAJOR/bin" --pgdata "/etc/postgresql/$PG_MAJOR/main" \
    --datadir "/var/lib/postgresql/$PG_MAJOR/main" \
    --start-opts "-c config_file=/etc/postgresql/$PG_MAJOR/main/postgresql.conf" --apply
fi
crm_resource --wait --timeout=300s
pgha status
