#!/usr/bin/env bash
# Runs as root on every VM (Debian 12 or 13), in order node1, node2, node3 (vagrant up --no-parallel).
# Steps 1-4 of vagrant/README.md: packages (PostgreSQL, Pacemaker/Corosync, pcs,
# fence-agents, Node.js, all from Debian; the pgha .deb), name resolution, PostgreSQL
# configured for streaming replication. The primary (PGHA_PRIMARY) keeps running under
# systemd until provision-cluster.sh hands it to Pacemaker; the standbys are cloned
# from it with pg_basebackup and left stopped.
# Env: PGHA_NODES="node1=ip1 node2=ip2 ...", PGHA_PRIMARY=node1, PGHA_VIP=ip, PGHA_HOST_IP=ip
# (the host, for fencing); the fence-key provisioner uploads the host account's key to
# /tmp/pgha_fence_key.
# Demo passwords (override with the env when running vagrant up): PGHA_HACLUSTER_PASSWORD,
# PGHA_REPLICATION_PASSWORD, PGHA_POSTGRES_PASSWORD.
set -euo pipefail

: "${PGHA_NODES:?}" "${PGHA_PRIMARY:?}" "${PGHA_VIP:?}" "${PGHA_HOST_IP:?}"
HACLUSTER_PASSWORD="${PGHA_HACLUSTER_PASSWORD:-pgha-demo-hacluster}"
REPLICATION_PASSWORD="${PGHA_REPLICATION_PASSWORD:-pgha-demo-replication}"
POSTGRES_PASSWORD="${PGHA_POSTGRES_PASSWORD:-pgha-demo-postgres}"
me="$(hostname -s)"
export DEBIAN_FRONTEND=noninteractive

declare -A ADDR
for pair in $PGHA_NODES; do ADDR[${pair%%=*}]="${pair#*=}"; done
subnet="${ADDR[$me]%.*}.0/24"

echo "== 1. packages"
apt-get update -qq
# Debian's own nodejs (18.19+ on Debian 12, 20 on Debian 13) and PostgreSQL (15 on 12, 17 on 13).
apt-get install -y -qq --no-install-recommends \
  nodejs postgresql pacemaker pacemaker-cli-utils corosync pcs resource-agents fence-agents >/dev/null
apt-get install -y -qq --no-install-recommends /tmp/pgha.deb >/dev/null
PG_MAJOR="$(dpkg-query -W -f='${Depends}' postgresql | grep -o 'postgresql-[0-9]*' | head -n1 | cut -d- -f2)"
PG_CONF="/etc/postgresql/$PG_MAJOR/main"
PG_DATA="/var/lib/postgresql/$PG_MAJOR/main"
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
pgha --version

echo "== 2. names, the hacluster user (pcs authenticates with it), no default cluster"
sed -i '/# pgha-vagrant$/d' /etc/hosts
for name in "${!ADDR[@]}"; do echo "${ADDR[$name]} $name # pgha-vagrant"; done >>/etc/hosts
# Debian's hosts file maps the hostname to 127.0.1.1: corosync must bind the private address.
sed -i "/^127\.0\.1\.1\s.*\b$me\b/d" /etc/hosts
echo "hacluster:$HACLUSTER_PASSWORD" | chpasswd
systemctl enable --now pcsd >/dev/null
# Debian's corosync package starts a one-node cluster named "debian": remove it, once.
if ! grep -qs 'cluster_name: pgha$' /etc/corosync/corosync.conf; then
  pcs cluster destroy --force >/dev/null
fi
# The fence agents run on any node: the host's key and its ssh host key on every node.
if [ -s /tmp/pgha_fence_key ]; then
  install -d -m 700 /root/.ssh
  install -m 600 /tmp/pgha_fence_key /root/.ssh/pgha_fence
  rm -f /tmp/pgha_fence_key
  ssh-keyscan -T 10 "$PGHA_HOST_IP" >/root/.ssh/known_hosts 2>/dev/null || echo "warning: no sshd answers on the host at $PGHA_HOST_IP" >&2
fi

echo "== 3. PostgreSQL configuration (every node)"
cat >"$PG_CONF/conf.d/pgha.conf" <<EOF
# written by vagrant/provision-node.sh
listen_addresses = '*'
wal_level = replica
hot_standby = on
wal_log_hints = on
max_wal_senders = 10
wal_keep_size = '512MB'
recovery_target_timeline = 'latest'
primary_conninfo = 'host=$PGHA_VIP user=replicator application_name=$me passfile=/var/lib/postgresql/.pgpass'
EOF
cat >"$PG_CONF/pg_hba.conf" <<EOF
# written by vagrant/provision-node.sh
# TYPE  DATABASE     USER        ADDRESS              METHOD
local   all          postgres                         peer
# Never stream from yourself or through the VIP (it may be on this node).
local   replication  all                              reject
host    replication  all         $PGHA_VIP/32         reject
host    replication  all         ${ADDR[$me]}/32      reject
host    replication  all         127.0.0.0/8          reject
host    replication  replicator  $subnet      scram-sha-256
host    all          postgres    $subnet      scram-sha-256
host    all          all         127.0.0.1/32         scram-sha-256
EOF
chown postgres:postgres "$PG_CONF/conf.d/pgha.conf" "$PG_CONF/pg_hba.conf"
install -o postgres -g postgres -m 600 /dev/null /var/lib/postgresql/.pgpass
echo "*:5432:replication:replicator:$REPLICATION_PASSWORD" >/var/lib/postgresql/.pgpass
# pgha status (run as root) connects to every node's PostgreSQL as postgres.
install -m 600 /dev/null /root/.pgpass
echo "*:5432:*:postgres:$POSTGRES_PASSWORD" >/root/.pgpass
# From now on only Pacemaker starts PostgreSQL.
systemctl disable postgresql >/dev/null 2>&1

if [ "$me" = "$PGHA_PRIMARY" ]; then
  echo "== 4. first primary: running under systemd until Pacemaker takes it over"
  systemctl restart "postgresql@$PG_MAJOR-main"
  runuser -u postgres -- psql -qX -v ON_ERROR_STOP=1 \
    -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') THEN CREATE ROLE replicator LOGIN REPLICATION; END IF; END \$\$" \
    -c "ALTER ROLE replicator PASSWORD '$REPLICATION_PASSWORD'" \
    -c "ALTER ROLE postgres PASSWORD '$POSTGRES_PASSWORD'"
else
  echo "== 4. standby: cloned from $PGHA_PRIMARY with pg_basebackup"
  systemctl stop "postgresql@$PG_MAJOR-main"
  if [ ! -f "$PG_DATA/standby.signal" ]; then
    rm -rf "$PG_DATA"
    runuser -u postgres -- env PGPASSFILE=/var/lib/postgresql/.pgpass \
      "$PG_BIN/pg_basebackup" -h "${ADDR[$PGHA_PRIMARY]}" -U replicator -D "$PG_DATA" -X stream --checkpoint=fast
    runuser -u postgres -- touch "$PG_DATA/standby.signal"
  fi
fi
echo "== $me provisioned"
