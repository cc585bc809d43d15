#!/usr/bin/env bash
# Makes a local stand-in for the official debian:<suite>-slim image and imports it into podman's storage under
# that very name, so that a machine which reaches Debian's mirror but not Docker Hub builds the Containerfile as
# it is, with its production base images.
#
#   ops/container/debian-slim-standin.sh [--suite bookworm] [--mirror URL] [--podman "podman --root DIR"]
#
# The official image is made by debuerreotype (https://github.com/debuerreotype/debuerreotype); this does the
# parts of it that change what a Containerfile's RUN sees:
#   - debootstrap --variant=minbase (Essential and Priority: required packages, plus apt);
#   - the minimizing configuration: no service starts during installs (policy-rc.d), no apt caches or
#     translations kept, dpkg without sync();
#   - slim: no documentation, man pages or locales, neither now nor for packages installed later (dpkg
#     path-exclude), which is what trips packages whose scripts expect /usr/share/man to exist;
#   - apt sources as deb822 for <suite>, <suite>-updates and <suite>-security, on deb.debian.org;
#   - no apt lists, logs, resolv.conf, hostname or machine-id; CMD ["bash"].
# It is not byte for byte the published image (package versions are today's mirror's, timestamps are not
# clamped), so image digests differ; what the build installs and runs on top is the same.
set -euo pipefail

suite=bookworm
mirror=http://deb.debian.org/debian
podman=podman
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --podman) podman="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
name="docker.io/library/debian:$suite-slim"

work="$(mktemp -d "${TMPDIR:-/var/tmp}/debian-slim-standin.XXXXXX")"
root="$work/rootfs"
cleanup() {
  # debootstrap mounts /proc and /sys in the target while it runs; a failure can leave them mounted.
  for mount in proc sys dev/pts; do umount -l "$root/$mount" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

debootstrap --variant=minbase --components=main "$suite" "$root" "$mirror"

# Minimizing configuration (debuerreotype-minimizing-config).
printf '#!/bin/sh\n# no service starts during image builds\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
echo 'force-unsafe-io' > "$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
cat > "$root/etc/apt/apt.conf.d/docker-clean" << EOF
DPkg::Post-Invoke { $clean };
APT::Update::Post-Invoke { $clean };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'Acquire::GzipIndexes "true";' > "$root/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"

# Slim (debuerreotype-slimify): what dpkg leaves out from now on, and the same files removed from what is there.
excludes=(/usr/share/doc/'*' /usr/share/groff/'*' /usr/share/info/'*' /usr/share/linda/'*'
  /usr/share/lintian/overrides/'*' /usr/share/locale/'*' /usr/share/man/'*')
includes=(/usr/share/doc/'*'/copyright /usr/share/locale/locale.alias)
{
  for path in "${excludes[@]}"; do echo "path-exclude $path"; done
  for path in "${includes[@]}"; do echo "path-include $path"; done
} > "$root/etc/dpkg/dpkg.cfg.d/docker"
for dir in groff info linda lintian/overrides man; do
  [ -d "$root/usr/share/$dir" ] && find "$root/usr/share/$dir" -mindepth 1 -delete
done
# Of /usr/share/doc each package's copyright stays; of /usr/share/locale, locale.alias.
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -path '*/copyright' -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$root/usr/share/locale" -mindepth 1 ! -type d ! -name locale.alias -delete
find "$root/usr/share/locale" -mindepth 1 -type d -empty -delete

# apt sources as the official image has them.
rm -f "$root/etc/apt/sources.list"
cat > "$root/etc/apt/sources.list.d/debian.sources" << EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# What the container engine provides or what a build leaves behind.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/ldconfig/aux-cache "$root"/var/log/*.log \
  "$root"/var/log/apt/* "$root"/tmp/* "$root"/var/tmp/* "$root"/etc/resolv.conf "$root"/etc/hostname
mkdir -p "$root/var/lib/apt/lists/partial"
: > "$root/etc/machine-id"

tar --numeric-owner --xattrs --one-file-system -C "$root" \
  --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . \
  | $podman import --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$name"
echo "imported $name"
