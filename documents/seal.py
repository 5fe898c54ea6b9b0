"""The préfecture's electronic seal on its decisions: a PAdES signature made with pyHanko, as an
incremental update after WeasyPrint wrote the PDF/A, with the key and certificate of the settings
``DOCUMENTS_SEAL_KEY`` and ``DOCUMENTS_SEAL_CERT`` (PEM files).

In development and tests (``DOCUMENTS_SEAL_DEV_PAIR``), a self-signed pair is created on first
use (`ensure_dev_pair`, also the ``create_seal_certificate`` command that ``make run`` calls);
production reads a real one and refuses to seal without it. The signer is loaded once per
process (key and certificate parsing is not paid per document)."""

from __future__ import annotations

import datetime
import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings

FIELD_NAME = "SceauPrefecture"


class SealUnavailable(RuntimeError):
    """No key or certificate to seal with."""


_checked_pairs: set[tuple[Path, Path]] = set()


def _is_rsa_pair(key_path: Path) -> bool:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError):
        return False
    return isinstance(key, rsa.RSAPrivateKey)


def ensure_dev_pair(key_path: Path, cert_path: Path) -> bool:
    """Create a self-signed development key pair (RSA 3072) when none exists; True when created.

    RSA, as the préfectures' RGS seal certificates: pyHanko marks a PDF sealed with an ECDSA key
    on a NIST curve as PDF 2.0 (ISO 32002 extension), which a PDF/A-3b file (PDF 1.7) must not
    be. A development pair made by an earlier version (ECDSA) is replaced, once per process."""
    pair = (key_path, cert_path)
    present = key_path.exists() and cert_path.exists()
    if present and (pair in _checked_pairs or _is_rsa_pair(key_path)):
        _checked_pairs.add(pair)
        return False
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Estampille (développement)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Sceau de développement Estampille"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    _checked_pairs.add(pair)
    _signer.cache_clear()  # a replaced pair is read again
    return True


def _paths() -> tuple[Path, Path]:
    return Path(settings.DOCUMENTS_SEAL_KEY), Path(settings.DOCUMENTS_SEAL_CERT)


@lru_cache(maxsize=4)
def _signer(key_path: str, cert_path: str, passphrase: str):
    from pyhanko.sign import signers

    loaded = signers.SimpleSigner.load(
        key_path, cert_path, key_passphrase=passphrase.encode() if passphrase else None
    )
    if loaded is None:
        raise SealUnavailable(f"Clé ou certificat du sceau illisible ({key_path}, {cert_path}).")
    return _kept_key_signer_class()(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


@lru_cache(maxsize=1)
def _kept_key_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses and checks its private key again for every signature:
        about 120 ms with an RSA 3072 key (OpenSSL's key check), most of a seal. This one
        parses it once, for the PKCS#1 v1.5 and ECDSA mechanisms (the others go to pyHanko)."""

        _private_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
                return super().sign_raw(data, digest_algorithm)
            if self._private_key is None:
                self._private_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "ecdsa":
                return self._private_key.sign(data, ECDSA(hash_algorithm))
            return self._private_key.sign(data, PKCS1v15(), hash_algorithm)

    return KeptKeySigner


def signer():
    """The loaded signer (cached per process and per key/certificate files)."""
    key_path, cert_path = _paths()
    if settings.DOCUMENTS_SEAL_DEV_PAIR:
        ensure_dev_pair(key_path, cert_path)
    if not (key_path.exists() and cert_path.exists()):
        raise SealUnavailable(
            "Le sceau électronique n'est pas configuré : DOCUMENTS_SEAL_KEY et "
            "DOCUMENTS_SEAL_CERT doivent désigner la clé et le certificat (PEM)."
        )
    return _signer(str(key_path), str(cert_path), settings.DOCUMENTS_SEAL_PASSPHRASE)


def seal_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with the seal (PAdES baseline, SHA-256) appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    sealer = signer()  # first: without a key, nothing is read
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:200] or None,
    )
    output = signers.sign_pdf(
        writer, metadata, signer=sealer, bytes_reserved=_reserved_bytes(sealer)
    )
    return output.getvalue()


@lru_cache(maxsize=4)
def _reserved_bytes(sealer) -> int:
    """Room for the CMS signature in the PDF, in bytes (written twice as many hex digits).

    Without it pyHanko signs each document twice: a dry run to measure the signature, then the
    real one. The CMS object holds the certificates, the signed attributes (about 400 bytes) and
    the signature value (72 bytes for ECDSA P-256, 512 for RSA 4096): the certificates' size plus
    4 KiB of margin, rounded up to a KiB, holds it with any key and chain of the settings."""
    certificates = [sealer.signing_cert, *sealer.cert_registry]
    size = sum(len(certificate.dump()) for certificate in certificates) + 4096
    return -(-size // 1024) * 1024


def trusted_certificate():
    """The seal's certificate (asn1crypto), for validation contexts (tests, checks)."""
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(str(_paths()[1]))
