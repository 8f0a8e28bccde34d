#!/usr/bin/env bash
# Writes the example PKI (the files below) to DIR (default build/certs), with the
# openssl CLI only. Synthetic identities; no private key is ever committed.
#
#   ca.crt                   trust bundle: root + intermediate
#   intermediate.crt/.key    the covenant CA that signs client certificates
#   crl.pem                  CRLs of the intermediate (lists revoked.crt) and of the root
#   server.crt/.key          gateway server, ECDSA P-256, SAN localhost + 127.0.0.1
#   <partner>.<role>.crt/key one per example identity (O=partner, OU=role, CN, serialNumber=OIN);
#                            a second person of the same partner and role is <partner>.<role>-2
#   expired.*, revoked.*     politie participant, expired / revoked
#   foreign.*                politie participant from an unrelated CA (work/foreign-ca.crt)
#   partner-server.*         TLS server of the example partner system (https-pull adapter)
#   gateway-client.*         the gateway's own client certificate towards partner systems
#
# The OINs (serialNumber) must equal those examples/convenant.json gives its partners;
# tests/gateway/example_pki_test.cc checks that.
# Idempotent: does nothing when DIR is complete and newer than this script.
set -euo pipefail
DIR=${1:-build/certs}
STAMP="$DIR/.complete"
if [ -f "$STAMP" ] && [ "$STAMP" -nt "$0" ]; then exit 0; fi
rm -rf "$DIR"
mkdir -p "$DIR"
umask 077
cd "$DIR"
W=work
mkdir -p $W/db
touch $W/db/index.txt
echo 1000 > $W/db/serial
echo 1000 > $W/db/crlnumber
mkdir -p $W/rootdb
touch $W/rootdb/index.txt
echo 1000 > $W/rootdb/crlnumber

HOUSE=veiligheidshuis-hm
# partner.role CN OIN [file name, when not <partner>.<role>]
IDENTITIES=(
  "politie supplier BVH-koppelvlak 00000001003214345000"
  "politie participant J.de-Vries 00000001003214345000"
  "politie privacy-officer FG-Politie 00000001003214345000"
  "om supplier OM-Compas 00000001003214345001"
  "om participant Officier-A 00000001003214345001"
  "reclassering supplier Reclassering-IRIS 00000001003214345002"
  "reclassering participant Reclasseerder-B 00000001003214345002"
  "dji supplier DJI-TULP 00000001003214345003"
  "ggz supplier GGZ-EPD 00000003272659230000"
  "ggz participant Behandelaar-C 00000003272659230000"
  "veilig-thuis supplier VT-Registratie 00000003285693710000"
  "gemeente-leiden supplier Leiden-Suite 00000001003214345011"
  "gemeente-leiden participant Contactpersoon-Leiden 00000001003214345011"
  "gemeente-alphen supplier Alphen-Suite 00000001001587456000"
  "woningcorporatie supplier Huurdersadministratie 00000009814253690000"
  "woningcorporatie participant Wijkconsulent-D 00000009814253690000"
  "woningcorporatie participant Wijkconsulent-L 00000009814253690000 woningcorporatie.participant-2"
  "politie participant Wijkagent-M 00000001003214345000 politie.participant-2"
  "politie admin Beheerder-Politie 00000001003214345000"
  "om privacy-officer FG-OM 00000001003214345001"
  "gemeente-leiden privacy-officer FG-Leiden 00000001003214345011"
  "gemeente-alphen participant Contactpersoon-Alphen 00000001001587456000"
  "$HOUSE coordinator Informatiecoordinator-E 00000001003214399000"
  "$HOUSE participant Procesregisseur-F 00000001003214399000"
  "$HOUSE participant Procesregisseur-N 00000001003214399000 $HOUSE.participant-2"
  "$HOUSE coordinator Informatiecoordinator-O 00000001003214399000 $HOUSE.coordinator-2"
  "$HOUSE privacy-officer FG-Veiligheidshuis 00000001003214399000"
  "$HOUSE admin Beheerder-G 00000001003214399000"
  "onbekend participant Buitenstaander-H 00000009999999999000"
)

cat > $W/ca.cnf <<CNF
[ ca ]
default_ca = ica
[ rootca ]
database = $W/rootdb/index.txt
crlnumber = $W/rootdb/crlnumber
certificate = $W/root.crt
private_key = $W/root.key
default_md = sha256
default_crl_days = 365
[ ica ]
dir = $W/db
database = $W/db/index.txt
serial = $W/db/serial
crlnumber = $W/db/crlnumber
new_certs_dir = $W/db
certificate = intermediate.crt
private_key = intermediate.key
default_md = sha256
default_days = 730
default_crl_days = 365
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
serialNumber = optional
[ client ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1
[ both ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ica ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Root (kept only in work/) and intermediate.
ec_key $W/root.key
openssl req -x509 -new -key $W/root.key -days 3650 -subj "/C=NL/O=Voorbeeld Convenant Root CA/CN=vhgate example root" \
  -config $W/ca.cnf -extensions v3_ca -out $W/root.crt 2>/dev/null
ec_key intermediate.key
openssl req -new -key intermediate.key -subj "/C=NL/O=Voorbeeld Convenant CA/CN=vhgate example covenant CA" -out $W/ica.csr
openssl x509 -req -in $W/ica.csr -CA $W/root.crt -CAkey $W/root.key -CAcreateserial -CAserial $W/root.srl -days 1825 \
  -extfile $W/ca.cnf -extensions v3_ica -out intermediate.crt 2>/dev/null
cat intermediate.crt $W/root.crt > ca.crt

# sign NAME SUBJECT EXTENSIONS [extra openssl-ca args]
sign() {
  local name=$1 subj=$2 ext=$3; shift 3
  ec_key "$name.key"
  openssl req -new -key "$name.key" -subj "$subj" -out "$W/$name.csr"
  openssl ca -batch -config $W/ca.cnf -extensions "$ext" -preserveDN -notext \
    -in "$W/$name.csr" -out "$name.crt" "$@" 2>/dev/null
}

sign server "/C=NL/O=$HOUSE/OU=gateway/CN=localhost" server
sign partner-server "/C=NL/O=politie/OU=partner-system/CN=localhost" server
sign gateway-client "/C=NL/O=$HOUSE/OU=gateway/CN=vhgate/serialNumber=00000001003214399000" client
for id in "${IDENTITIES[@]}"; do
  read -r partner role cn oin file <<<"$id"
  sign "${file:-$partner.$role}" "/C=NL/O=$partner/OU=$role/CN=$cn/serialNumber=$oin" client
done
sign expired "/C=NL/O=politie/OU=participant/CN=Verlopen-I/serialNumber=00000001003214345000" client \
  -startdate 20200101000000Z -enddate 20210101000000Z
sign revoked "/C=NL/O=politie/OU=participant/CN=Ingetrokken-J/serialNumber=00000001003214345000" client
openssl ca -batch -config $W/ca.cnf -revoke revoked.crt -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config $W/ca.cnf -gencrl -out $W/intermediate.crl.pem 2>/dev/null
# The root's CRL too, so that the whole chain is checked (the intermediate is not revoked).
openssl ca -batch -config $W/ca.cnf -name rootca -gencrl -out $W/root.crl.pem 2>/dev/null
cat $W/intermediate.crl.pem $W/root.crl.pem > crl.pem

# An unrelated CA with the same-looking subject.
ec_key $W/foreign-ca.key
openssl req -x509 -new -key $W/foreign-ca.key -days 3650 -subj "/C=NL/O=Niet Het Convenant/CN=foreign CA" \
  -config $W/ca.cnf -extensions v3_ca -out $W/foreign-ca.crt 2>/dev/null
ec_key foreign.key
openssl req -new -key foreign.key -subj "/C=NL/O=politie/OU=participant/CN=Vreemd-K/serialNumber=00000001003214345000" -out $W/foreign.csr
openssl x509 -req -in $W/foreign.csr -CA $W/foreign-ca.crt -CAkey $W/foreign-ca.key -CAcreateserial -CAserial $W/foreign-ca.srl -days 730 \
  -extfile $W/ca.cnf -extensions client -out foreign.crt 2>/dev/null

chmod 600 ./*.key
chmod 644 ./*.crt crl.pem
rm -f $W/*.csr
touch .complete
echo "make-certs: example PKI written to $DIR" >&2
