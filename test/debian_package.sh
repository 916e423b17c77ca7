#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Builds the Debian packages (debian/) in a scratch copy of the source tree
# with dpkg-buildpackage and checks them against Debian's libtevent0 and
# libtevent-dev, without installing anything:
#  - file list (dpkg-deb -c: mode, owner, path, link target) and control
#    data (dpkg-deb -I/-f: members, fields, dependency names, shlibs,
#    triggers) equal the reference in test/debian_package/, which was made
#    from Debian 12's packages; versions and the multiarch triplet are
#    placeholders there;
#  - the package version sorts above Debian's and carries upstream 0.17.2;
#  - the shipped symbols file is what abi/gen-debian-symbols.py makes of abi/;
#  - a C program builds against the unpacked packages through their
#    tevent.pc, runs on their libtevent.so.0, and links libtevent.a
#    statically without any C++ runtime.
#
#   debian_package.sh SOURCE_ROOT [CC]
#   debian_package.sh --reference OUT_DIR DEB...   (writes the reference)
set -euo pipefail
export LC_ALL=C

# Prints the normalised description of one .deb: what the reference holds.
describe() {
  local deb=$1 version upstream multiarch arch
  version=$(dpkg-deb -f "$deb" Version)
  upstream=${version%-*}
  upstream=${upstream#*:}
  arch=$(dpkg-deb -f "$deb" Architecture)
  multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH -a"$arch" 2>/dev/null)
  # Placeholders for what must differ between Debian's and ours.
  norm() {
    sed -e "s/$multiarch/@MULTIARCH@/g" -e "s/(= $version)/(= @SELF@)/g" \
      -e "s/$upstream/@VERSION@/g"
  }
  echo "members: $(dpkg-deb -I "$deb" |
    awk '$2 == "bytes," && $4 == "lines" { print $NF }' | sort | paste -sd' ')"
  local field value
  for field in Package Architecture Multi-Arch Section Priority Essential \
      Pre-Depends Depends Recommends Suggests Conflicts Breaks Replaces \
      Provides; do
    value=$(dpkg-deb -f "$deb" "$field")
    [[ -n $value ]] || continue
    if [[ $field == Architecture ]]; then
      value=@ARCH@
    elif [[ $field == *Depends* || $field == Recommends || $field == Suggests ]]; then
      # Names only, except the exact pin on the sibling package: a
      # library's minimum versions come from what it was built against.
      value=$(tr ',' '\n' <<<"$value" | sed -e 's/^ *//' \
        -e "/(= $version)/!s/ *(.*)//" | paste -sd, | sed 's/,/, /g')
    fi
    echo "$field: $value" | norm
  done
  local ctl
  ctl=$(mktemp -d)
  dpkg-deb -e "$deb" "$ctl"
  [[ -f $ctl/shlibs ]] && sed 's/^/shlibs: /' "$ctl/shlibs" | norm
  [[ -f $ctl/triggers ]] && grep -v '^#' "$ctl/triggers" | sed 's/^/triggers: /'
  [[ -f $ctl/symbols ]] && grep -v '^ ' "$ctl/symbols" | sed 's/^/symbols: /'
  rm -rf "$ctl"
  dpkg-deb -c "$deb" |
    awk '{ $3 = $4 = $5 = ""; print }' | sed 's/   */ /' | norm | sort
}

if [[ ${1:-} == --reference ]]; then
  out=$2
  shift 2
  for deb in "$@"; do
    pkg=$(dpkg-deb -f "$deb" Package)
    {
      echo "# $pkg $(dpkg-deb -f "$deb" Version): the Debian package that ours" \
        "replaces, as test/debian_package.sh describes it"
      describe "$deb"
    } >"$out/$pkg.ref"
  done
  exit 0
fi

root=$(cd "$1" && pwd)
cc=${2:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
errors=0
fail() {
  echo "FAIL: $*"
  errors=$((errors + 1))
}

# The copy leaves out git's data and meson build directories, so the
# worktree stays as it is and the package builds what is in the tree.
mkdir "$tmp/src"
for entry in "$root"/* "$root"/.[!.]*; do
  [[ -e $entry ]] || continue
  [[ $(basename "$entry") == .git ]] && continue
  [[ -d $entry/meson-private ]] && continue
  cp -a "$entry" "$tmp/src/"
done
if ! (cd "$tmp/src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
  tail -n 60 "$tmp/build.log"
  echo "FAIL: dpkg-buildpackage (last lines of its log above)"
  exit 1
fi

version=$(cd "$tmp/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for pkg in libtevent0 libtevent-dev; do
  deb=$tmp/${pkg}_${version}_$arch.deb
  if [[ ! -f $deb ]]; then
    fail "$deb was not built"
    continue
  fi
  ref=$root/test/debian_package/$pkg.ref
  describe "$deb" >"$tmp/$pkg.ours"
  if diff -u <(grep -v '^#' "$ref") "$tmp/$pkg.ours"; then
    echo "$pkg: file list ($(grep -c '^[-dl]' "$tmp/$pkg.ours") entries) and control data as Debian's"
  else
    fail "$pkg differs from Debian's (- Debian's, + ours)"
  fi
  debian_version=$(sed -n '1s/^# [^ ]* \([^:]*\):.*/\1/p' "$ref")
  dpkg --compare-versions "$version" gt "$debian_version" ||
    fail "version $version does not sort above Debian's $debian_version"
  dpkg-deb -x "$deb" "$tmp/root"
done
[[ ${version%-*} == 0.17.2 ]] || fail "upstream version ${version%-*}, expected 0.17.2"

dpkg-deb --ctrl-tarfile "$tmp/libtevent0_${version}_$arch.deb" |
  tar -xO ./symbols >"$tmp/symbols"
if python3 "$root/abi/gen-debian-symbols.py" -o "$tmp/symbols.abi" &&
  diff -u "$tmp/symbols.abi" "$tmp/symbols"; then
  echo "symbols: $(grep -c '^ ' "$tmp/symbols") entries, as abi/ has them"
else
  fail "shipped symbols differ from abi/ (run abi/gen-debian-symbols.py -o debian/libtevent0.symbols)"
fi

# A user's program against the unpacked packages, as pkg-config gives it.
libdir=$tmp/root/usr/lib/$multiarch
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$tmp/root
flags=$(pkg-config --cflags --libs tevent)
# shellcheck disable=SC2086
"$cc" -o "$tmp/demo" "$root/examples/demo.c" $flags
LD_LIBRARY_PATH=$libdir LD_DEBUG=libs LD_DEBUG_OUTPUT=$tmp/ld "$tmp/demo" >/dev/null ||
  fail "demo failed on the packaged library"
grep -q "calling init: $libdir/libtevent.so.0\$" "$tmp"/ld.* ||
  fail "demo did not load the packaged libtevent.so.0"
cflags=$(pkg-config --cflags tevent)
talloc_libs=$(pkg-config --libs talloc)
# shellcheck disable=SC2086
"$cc" -o "$tmp/demo-static" "$root/examples/demo.c" $cflags -L"$libdir" \
  -Wl,-Bstatic -ltevent -Wl,-Bdynamic $talloc_libs
"$tmp/demo-static" >/dev/null || fail "demo linked with libtevent.a failed"
needed=$(objdump -p "$tmp/demo-static" | awk '$1 == "NEEDED" { print $2 }')
if grep -E 'libtevent|libstdc\+\+' <<<"$needed"; then
  fail "demo linked with libtevent.a needs the libraries above"
fi
echo "demo: built with the packaged tevent.pc, ran on the packaged libtevent.so.0 and on libtevent.a"

if ((errors > 0)); then
  echo "Debian package check FAILED ($errors problems)"
  exit 1
fi
echo "Debian packages $version built and checked against Debian's"
