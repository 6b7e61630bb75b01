"""MIKEY payloads on the PC: typed objects for every RFC 3830 payload and
those of its companions (RFCs 4563, 4738, 4771, 6043, 6509 and
draft-ietf-msec-mikey-ecc-03), with a byte-exact codec.

    decoded = decode_message(data)          # Decoded: .message, .spans, .tolerated
    data == encode_message(decoded.message)
    keys = decode_key_data(kemac_plaintext) # Key data sub-payloads

Each payload's wire format lives in one module of mikeyhost.codec, next to
its dataclass; this module is the public surface.
"""

from .codec.auth import CHASH, SIGN, V
from .codec.enums import (
    DH_VALUE_LEN, HASH_LEN, MAC_LEN, TS_LEN, CertType, CsIdMapType, DataType, DhGroup, EccCurve,
    EncrAlg, FecOrder, GenExtType, HashFunc, IdRole, IdType, KeyDataType, KeyIdType, KvType,
    MacAlg, PayloadType, PkeCache, PrfFunc, ProtType, RandRole, SakkeIdScheme, SakkeParams,
    SrtpAuthAlg, SrtpEncrAlg, SrtpParam, SrtpPrf, SType, TicketFlags, TicketType, TsRole, TsType,
)
from .codec.err import ERR
from .codec.exchange import DH, ECCPT, SAKKE
from .codec.extension import CsbIdExt, GeneralExtension, KeyId, KeyIdExt, SdpIdsExt, VendorIdExt
from .codec.header import (
    CsIdMap, EmptyMap, GenericIdEntry, GenericIdMap, Header, SrtpIdEntry, SrtpIdMap,
)
from .codec.identity import CERT, ID, IDR
from .codec.keys import (
    KEMAC, PKE, KeyData, KeyValidity, KvInterval, KvNull, KvSpi, decode_id_and_key_data,
    decode_key_data, encode_id_and_key_data, encode_key_data,
)
from .codec.message import (
    PAYLOAD_CLASSES, TRAILING_ZERO, Decoded, Message, Span, auth_field_offset, decode_message,
    decode_partial, encode_message,
)
from .codec.policy import SP, SrtpPolicy
from .codec.rand import RAND, RANDR
from .codec.ticket import TICKET, TP
from .codec.timestamp import T, TR, datetime_to_ntp, ntp_to_datetime
from .codec._wire import Payload

__all__ = [
    # messages
    "Message", "Decoded", "Span", "decode_message", "decode_partial", "encode_message",
    "auth_field_offset",
    "PAYLOAD_CLASSES", "TRAILING_ZERO", "Payload",
    # header
    "Header", "CsIdMap", "SrtpIdMap", "SrtpIdEntry", "EmptyMap", "GenericIdMap",
    "GenericIdEntry",
    # payloads
    "KEMAC", "PKE", "DH", "SIGN", "T", "ID", "CERT", "CHASH", "V", "SP", "RAND", "ERR", "TR",
    "IDR", "RANDR", "TP", "TICKET", "ECCPT", "SAKKE",
    "GeneralExtension", "VendorIdExt", "SdpIdsExt", "KeyIdExt", "KeyId", "CsbIdExt",
    # key data
    "KeyData", "KeyValidity", "KvNull", "KvSpi", "KvInterval", "decode_key_data",
    "encode_key_data", "decode_id_and_key_data", "encode_id_and_key_data",
    # policy, time
    "SrtpPolicy", "ntp_to_datetime", "datetime_to_ntp",
    # enums and implied lengths
    "DataType", "PayloadType", "PrfFunc", "CsIdMapType", "EncrAlg", "MacAlg", "PkeCache",
    "DhGroup", "EccCurve", "SType", "TsType", "TsRole", "IdType", "IdRole", "CertType",
    "HashFunc", "ProtType", "SrtpParam", "SrtpEncrAlg", "SrtpAuthAlg", "SrtpPrf", "FecOrder",
    "RandRole", "KeyDataType", "KvType", "GenExtType", "KeyIdType", "TicketType",
    "TicketFlags", "SakkeParams", "SakkeIdScheme",
    "MAC_LEN", "HASH_LEN", "DH_VALUE_LEN", "TS_LEN",
]
