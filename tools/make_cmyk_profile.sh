#!/bin/sh
# Rebuild src/coopbrochure/profiles/coopbrochure-fogra39.icc, the bundled CMYK output profile, from the
# FOGRA39L characterisation data in Debian's icc-profiles-free (Zlib licence) with ArgyllCMS's colprof.
set -eu
work=$(mktemp -d)
cd "$work"
apt-get download icc-profiles-free argyll >/dev/null
for deb in *.deb; do dpkg -x "$deb" root; done
cp root/usr/share/color/icc/FOGRA39L.ti3 .
PATH="$work/root/usr/bin:$PATH" colprof -qm -kr -D "Coopbrochure FOGRA39 coated" \
  -C "CC0; made with ArgyllCMS from FOGRA39L.ti3 (Zlib)" FOGRA39L
cp FOGRA39L.icc "$OLDPWD/src/coopbrochure/profiles/coopbrochure-fogra39.icc"
