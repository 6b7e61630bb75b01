"""The numbers MIKEY puts on the wire, by name (RFC 3830 §6 tables and the
registrations of RFCs 4563, 4650, 4738, 4771, 6043, 6509 and
draft-ietf-msec-mikey-ecc-03), and the lengths some of them imply."""

from enum import IntEnum, IntFlag


class DataType(IntEnum):
    """HDR data type (3830 Table 6.1.a; 4650 §4.1; 4738 §3.9.1; 6043
    Table 6.1; 6509 Table 1)."""
    PSK_INIT = 0
    PSK_RESP = 1
    PK_INIT = 2
    PK_RESP = 3
    DH_INIT = 4
    DH_RESP = 5
    ERROR = 6
    DHHMAC_INIT = 7
    DHHMAC_RESP = 8
    RSA_R_INIT = 9
    RSA_R_RESP = 10
    REQUEST_INIT_PSK = 11
    REQUEST_INIT_PK = 12
    REQUEST_RESP = 13
    TRANSFER_INIT = 14
    TRANSFER_RESP = 15
    RESOLVE_INIT_PSK = 16
    RESOLVE_INIT_PK = 17
    RESOLVE_RESP = 18
    SAKKE = 26


class PayloadType(IntEnum):
    """Next payload values (3830 Table 6.1.b; 6043 Table 6.2; ECC-03 §6.1;
    6509 Table 2). KEY_DATA occurs only inside KEMAC Encr data."""
    LAST = 0
    KEMAC = 1
    PKE = 2
    DH = 3
    SIGN = 4
    T = 5
    ID = 6
    CERT = 7
    CHASH = 8
    V = 9
    SP = 10
    RAND = 11
    ERR = 12
    TR = 13
    IDR = 14
    RANDR = 15
    TP = 16
    TICKET = 17
    KEY_DATA = 20
    GENERAL_EXT = 21
    ECCPT = 22
    SAKKE = 26


class PrfFunc(IntEnum):
    """HDR PRF func, 7 bits (3830 Table 6.1.c; 6043 Table 6.3)."""
    MIKEY_1 = 0
    PRF_HMAC_SHA_256 = 1


class CsIdMapType(IntEnum):
    """HDR CS ID map type (3830 Table 6.1.d; 4563 Table 3; 6043 Table 6.4)."""
    SRTP_ID = 0
    EMPTY = 1
    GENERIC_ID = 2


class EncrAlg(IntEnum):
    """KEMAC Encr alg (3830 Table 6.2.a; 6043 Table 6.5)."""
    NULL = 0
    AES_CM_128 = 1
    AES_KW_128 = 2
    AES_CM_256 = 3


class MacAlg(IntEnum):
    """KEMAC MAC alg and V Auth alg (3830 Table 6.2.b; 6043 Table 6.6)."""
    NULL = 0
    HMAC_SHA_1_160 = 1
    HMAC_SHA_256_256 = 2


MAC_LEN = {MacAlg.NULL: 0, MacAlg.HMAC_SHA_1_160: 20, MacAlg.HMAC_SHA_256_256: 32}


class PkeCache(IntEnum):
    """PKE C field, 2 bits (3830 Table 6.3)."""
    NO_CACHE = 0
    CACHE = 1
    CACHE_FOR_CSB = 2


class DhGroup(IntEnum):
    """DH-Group (3830 Table 6.4; P-256 from ECC-03 §3, see docs/profile.md)."""
    OAKLEY_5 = 0
    OAKLEY_1 = 1
    OAKLEY_2 = 2
    P_256 = 10


# Implicit DH-value length in bytes (3830 Table 6.4: the modulus size).
# P-256 points are SEC1 octet strings: 65 uncompressed, 33 compressed.
DH_VALUE_LEN = {DhGroup.OAKLEY_5: 192, DhGroup.OAKLEY_1: 96, DhGroup.OAKLEY_2: 128}


class EccCurve(IntEnum):
    """ECCPT ECC curve (ECC-03 §6.1; only P-256 is in the project profile)."""
    P_256 = 7


# Field size in bytes of each supported curve, for the implicit point length.
ECC_FIELD_LEN = {EccCurve.P_256: 32}
DH_GROUP_FIELD_LEN = {DhGroup.P_256: 32}


class SType(IntEnum):
    """SIGN S type, 4 bits (3830 Table 6.5; ECC-03 §2). Value 2 is ECDSA in
    ECC-03 and ECCSI in RFC 6509 (data type SAKKE); the data type tells."""
    RSA_PKCS1_V1_5 = 0
    RSA_PSS = 1
    ECDSA = 2
    ECGDSA = 3


class TsType(IntEnum):
    """T TS type (3830 Table 6.6; 6043 Table 6.8)."""
    NTP_UTC = 0
    NTP = 1
    COUNTER = 2
    NTP_UTC_32 = 3


TS_LEN = {TsType.NTP_UTC: 8, TsType.NTP: 8, TsType.COUNTER: 4, TsType.NTP_UTC_32: 4}


class TsRole(IntEnum):
    """TR TS role (6043 Table 6.9)."""
    TIME_OF_ISSUE = 1
    START_OF_VALIDITY = 2
    END_OF_VALIDITY = 3
    REKEYING_INTERVAL = 4


class IdType(IntEnum):
    """ID/IDR ID type (3830 Table 6.7.a; 6043 Table 6.10)."""
    NAI = 0
    URI = 1
    BYTE_STRING = 2


class IdRole(IntEnum):
    """IDR ID role (6043 Table 6.11; 6509 Table 7)."""
    INITIATOR = 1
    RESPONDER = 2
    KMS = 3
    PRE_SHARED_KEY = 4
    APPLICATION = 5
    INITIATOR_KMS = 6
    RESPONDER_KMS = 7


class CertType(IntEnum):
    """CERT Cert type (3830 Table 6.7.b)."""
    X509V3 = 0
    X509V3_URL = 1
    X509V3_SIGN = 2
    X509V3_ENCR = 3


class HashFunc(IntEnum):
    """CHASH Hash func (3830 Table 6.8; 6043 Table 6.12)."""
    SHA_1 = 0
    MD5 = 1
    SHA_256 = 2


HASH_LEN = {HashFunc.SHA_1: 20, HashFunc.MD5: 16, HashFunc.SHA_256: 32}


class ProtType(IntEnum):
    """SP Prot type (3830 Table 6.10)."""
    SRTP = 0


class SrtpParam(IntEnum):
    """SRTP policy parameter types (3830 Table 6.10.1.a; 4771 Tables 2, 3)."""
    ENCR_ALG = 0
    SESSION_ENCR_KEY_LEN = 1
    AUTH_ALG = 2
    SESSION_AUTH_KEY_LEN = 3
    SESSION_SALT_KEY_LEN = 4
    SRTP_PRF = 5
    KEY_DERIVATION_RATE = 6
    SRTP_ENCR = 7
    SRTCP_ENCR = 8
    FEC_ORDER = 9
    SRTP_AUTH = 10
    AUTH_TAG_LEN = 11
    SRTP_PREFIX_LEN = 12
    ROC_TRANSMISSION_RATE = 13
    SRTP_AUTH_ALG = 14
    SRTCP_AUTH_ALG = 15
    SRTP_SESSION_AUTH_KEY_LEN = 16
    SRTCP_SESSION_AUTH_KEY_LEN = 17
    SRTP_AUTH_TAG_LEN = 18
    SRTCP_AUTH_TAG_LEN = 19


class SrtpEncrAlg(IntEnum):
    """SRTP encr alg (3830 Table 6.10.1.b)."""
    NULL = 0
    AES_CM = 1
    AES_F8 = 2


class SrtpAuthAlg(IntEnum):
    """SRTP auth alg (3830 Table 6.10.1.c; 4771 Table 1)."""
    NULL = 0
    HMAC_SHA_1 = 1
    RCCM1 = 2
    RCCM2 = 3
    RCCM3 = 4


class SrtpPrf(IntEnum):
    """SRTP PRF (3830 Table 6.10.1.d)."""
    AES_CM = 0


class FecOrder(IntEnum):
    """Sender's FEC order (3830 Table 6.10.1.e)."""
    FEC_SRTP = 0


class RandRole(IntEnum):
    """RANDR RAND role (6043 Table 6.13)."""
    INITIATOR = 1
    RESPONDER = 2
    KMS = 3


class KeyDataType(IntEnum):
    """Key data sub-payload Type, 4 bits (3830 Table 6.13.a; 6043 Table 6.7)."""
    TGK = 0
    TGK_SALT = 1
    TEK = 2
    TEK_SALT = 3
    GTGK = 4
    GTGK_SALT = 5
    MPK = 6


# The key types whose sub-payload carries Salt len and Salt data.
SALTED_KEY_TYPES = frozenset({KeyDataType.TGK_SALT, KeyDataType.TEK_SALT, KeyDataType.GTGK_SALT})


class KvType(IntEnum):
    """Key validity type, 4 bits (3830 Table 6.13.b)."""
    NULL = 0
    SPI = 1
    INTERVAL = 2


class GenExtType(IntEnum):
    """General Extension type (3830 Table 6.15; 4738 §3.9.3; 4909 §3)."""
    VENDOR_ID = 0
    SDP_IDS = 1
    TESLA_I_KEY = 2
    KEY_ID = 3
    CSB_ID = 4
    OMA_BCAST = 5


class KeyIdType(IntEnum):
    """Key ID Type in the Key ID extension (4563 Table 2)."""
    MBMS_KEY_DOMAIN_ID = 0
    MBMS_SERVICE_KEY_ID = 1
    MBMS_TRAFFIC_KEY_ID = 2


class TicketType(IntEnum):
    """TP/TICKET Ticket Type (6043 Table 6.15)."""
    MIKEY_BASE_TICKET = 1
    THREE_GPP_BASE_TICKET = 2


class TicketFlags(IntFlag):
    """The twelve TP/TICKET flags D..O (6043 §6.10), D the most significant."""
    D = 1 << 11
    E = 1 << 10
    F = 1 << 9
    G = 1 << 8
    H = 1 << 7
    I = 1 << 6  # noqa: E741 - the RFC's name
    J = 1 << 5
    K = 1 << 4
    L = 1 << 3
    M = 1 << 2
    N = 1 << 1
    O = 1 << 0  # noqa: E741 - the RFC's name


class SakkeParams(IntEnum):
    """SAKKE params (6509 Table 4)."""
    PARAMETER_SET_1 = 1


class SakkeIdScheme(IntEnum):
    """SAKKE ID scheme (6509 Table 5)."""
    TEL_URI_MONTHLY_KEYS = 1
