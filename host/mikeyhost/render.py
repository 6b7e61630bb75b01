"""Decoded MIKEY messages for people and for tools: `render_tree` gives a
readable text tree (one block per payload, field names from the RFCs,
enum names with their numbers), `to_json` a JSON-serialisable dict with
the same content (bytes as hex, enums as {"name", "value"}).

Key material (the Key data and Salt data of Key data sub-payloads, which a
NULL-encrypted KEMAC carries in plaintext) is shown only with show_keys;
encrypted Encr data is shown by its length only.
"""

from dataclasses import dataclass
from enum import IntEnum

from .errors import ErrorNo, MikeyError
from .payloads import (
    CERT, CHASH, DH, ECCPT, ERR, ID, IDR, KEMAC, PKE, RAND, RANDR, SAKKE, SIGN, SP, TICKET, TP, TR,
    CertType, CsbIdExt, CsIdMapType, DataType, Decoded, DhGroup, EccCurve, EmptyMap, EncrAlg,
    GeneralExtension, GenericIdMap, GenExtType, HashFunc, Header, IdRole, IdType, KeyData,
    KeyDataType, KeyIdExt, KeyIdType, KvInterval, KvSpi, KvType, MacAlg, Message, PayloadType,
    PkeCache, PrfFunc, ProtType, RandRole, SakkeIdScheme, SakkeParams, SdpIdsExt, SrtpAuthAlg,
    SrtpEncrAlg, SrtpIdMap, SrtpParam, SrtpPrf, SType, T, TicketFlags, TicketType, TsRole, TsType,
    V, VendorIdExt, decode_key_data,
)

# -- the values a field can hold, and how each is shown --------------------


@dataclass
class _Named:
    """A numbered choice: its enum name when the number is defined."""
    name: str | None
    value: int


def _named(enum_cls, value) -> _Named:
    try:
        return _Named(enum_cls(value).name, int(value))
    except ValueError:
        return _Named(None, int(value))


@dataclass
class _Hex:
    """An identifier shown in hex (CSB ID, SSRC), `width` bytes wide."""
    value: int
    width: int = 4


@dataclass
class _Hidden:
    """Key material not shown."""
    length: int


@dataclass
class _Text:
    """Bytes that are text when they decode (IDs, URLs)."""
    data: bytes


@dataclass
class _Block:
    title: str
    fields: list  # of (key, label, value)
    summary: str | None = None  # one line for the tree instead of the fields


def _text(value) -> str:
    if isinstance(value, _Named):
        return f"{value.name or 'unknown'} ({value.value})"
    if isinstance(value, _Hex):
        return f"0x{value.value:0{2 * value.width}x}"
    if isinstance(value, _Hidden):
        return f"<{value.length} bytes hidden; show keys to see them>"
    if isinstance(value, _Text):
        text = _printable(value.data)
        return f'"{text}"' if text is not None else value.data.hex()
    if isinstance(value, (bytes, bytearray)):
        return value.hex() if value else "(empty)"
    if isinstance(value, bool):
        return str(int(value))
    if value is None:
        return "-"
    return str(value)


def _json(value):
    if isinstance(value, _Named):
        return {"name": value.name, "value": value.value}
    if isinstance(value, _Hex):
        return f"{value.value:0{2 * value.width}x}"
    if isinstance(value, _Hidden):
        return None
    if isinstance(value, _Text):
        return value.data.hex()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, _Block):
        return _json_fields(value.fields)
    if isinstance(value, IntEnum):
        return {"name": value.name, "value": int(value)}
    return value


def _json_fields(fields) -> dict:
    out = {}
    for key, _label, value in fields:
        out[key] = _json(value)
        if isinstance(value, _Text):
            out[key + "_text"] = _printable(value.data)
    return out


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None


# -- what each payload shows -----------------------------------------------


def _kv_fields(kv) -> list:
    fields = [("kv", "KV", _named(KvType, kv.kv_type))]
    if isinstance(kv, KvSpi):
        fields += [("spi_length", "SPI Length", len(kv.spi)), ("spi", "SPI", kv.spi)]
    elif isinstance(kv, KvInterval):
        fields += [("vf_length", "VF Length", len(kv.valid_from)),
                   ("valid_from", "Valid From", kv.valid_from),
                   ("vt_length", "VT Length", len(kv.valid_to)),
                   ("valid_to", "Valid To", kv.valid_to)]
    return fields


def _key_data_block(i: int, k: KeyData, next_payload: int, show_keys: bool) -> _Block:
    def secret(data):
        return bytes(data) if show_keys else _Hidden(len(data))

    fields = [("next_payload", "Next payload", _named(PayloadType, next_payload)),
              ("type", "Type", _named(KeyDataType, k.key_type)),
              ("key_data_len", "Key data len", len(k.key)),
              ("key_data", "Key data", secret(k.key))]
    if k.has_salt:
        fields += [("salt_len", "Salt len", len(k.salt)),
                   ("salt_data", "Salt data", secret(k.salt))]
    return _Block(f"Key data {i}", fields + _kv_fields(k.kv))


def _ntp_time(p) -> str | None:
    when = p.time
    return when.isoformat().replace("+00:00", "Z") if when is not None else None


def _srtp_value(ptype, value: bytes):
    enum_cls = {SrtpParam.ENCR_ALG: SrtpEncrAlg, SrtpParam.AUTH_ALG: SrtpAuthAlg,
                SrtpParam.SRTP_AUTH_ALG: SrtpAuthAlg, SrtpParam.SRTCP_AUTH_ALG: SrtpAuthAlg,
                SrtpParam.SRTP_PRF: SrtpPrf}.get(ptype)
    if not 1 <= len(value) <= 4:
        return bytes(value)
    number = int.from_bytes(value, "big")
    return _named(enum_cls, number) if enum_cls else number


def _payload_fields(p, data_type: int, show_keys: bool) -> list:
    if isinstance(p, T):
        return [("ts_type", "TS type", _named(TsType, p.ts_type)),
                ("ts_value", "TS value", _Hex(p.value, 8 if p.ts_type in (0, 1) else 4)),
                ("time", "time", _ntp_time(p))]
    if isinstance(p, TR):
        return [("ts_role", "TS Role", _named(TsRole, p.ts_role)),
                ("ts_type", "TS type", _named(TsType, p.ts_type)),
                ("ts_value", "TS value", _Hex(p.value, 8 if p.ts_type in (0, 1) else 4)),
                ("time", "time", _ntp_time(p))]
    if isinstance(p, RAND):
        return [("rand_len", "RAND len", len(p.rand)), ("rand", "RAND", p.rand)]
    if isinstance(p, RANDR):
        return [("rand_role", "RAND Role", _named(RandRole, p.rand_role)),
                ("rand_length", "RAND length", len(p.rand)), ("rand", "RAND", p.rand)]
    if isinstance(p, ID):
        return [("id_type", "ID Type", _named(IdType, p.id_type)),
                ("id_len", "ID len", len(p.data)), ("id_data", "ID data", _Text(p.data))]
    if isinstance(p, IDR):
        return [("id_role", "ID Role", _named(IdRole, p.id_role)),
                ("id_type", "ID Type", _named(IdType, p.id_type)),
                ("id_len", "ID len", len(p.data)), ("id_data", "ID Data", _Text(p.data))]
    if isinstance(p, CERT):
        data = _Text(p.data) if p.cert_type == CertType.X509V3_URL else p.data
        return [("cert_type", "Cert Type", _named(CertType, p.cert_type)),
                ("cert_len", "Cert len", len(p.data)), ("certificate", "Certificate", data)]
    if isinstance(p, CHASH):
        return [("hash_func", "Hash func", _named(HashFunc, p.hash_func)), ("hash", "Hash", p.hash)]
    if isinstance(p, SP):
        return _sp_fields(p)
    if isinstance(p, KEMAC):
        return _kemac_fields(p, show_keys)
    if isinstance(p, V):
        return [("auth_alg", "Auth alg", _named(MacAlg, p.auth_alg)),
                ("ver_data", "Ver data", p.ver_data)]
    if isinstance(p, SIGN):
        s_type = _named(SType, p.s_type)
        if p.s_type == SType.ECDSA and data_type == DataType.SAKKE:
            s_type = _Named("ECCSI", int(p.s_type))  # RFC 6509 §4.3
        return [("s_type", "S type", s_type), ("signature_len", "Signature len", len(p.signature)),
                ("signature", "Signature", p.signature)]
    if isinstance(p, PKE):
        return [("c", "C", _named(PkeCache, p.c)), ("data_len", "Data len", len(p.data)),
                ("data", "Data", p.data)]
    if isinstance(p, DH):
        return [("dh_group", "DH-Group", _named(DhGroup, p.group)),
                ("dh_value", "DH-value", p.value), ("reserv", "Reserv", p.reserved)] + \
            _kv_fields(p.kv)
    if isinstance(p, ECCPT):
        return [("ecc_curve", "ECC curve", _named(EccCurve, p.curve)),
                ("ecc_point", "ECC point", p.point),
                ("auth_alg", "Auth alg", _named(MacAlg, p.auth_alg)),
                ("tgk_len", "TGK len", p.tgk_len), ("reserv", "Reserv", p.reserved)] + \
            _kv_fields(p.kv)
    if isinstance(p, ERR):
        return [("error_no", "Error no", _named(ErrorNo, p.error_no)),
                ("reserved", "Reserved", p.reserved)]
    if isinstance(p, SAKKE):
        return [("sakke_params", "SAKKE params", _named(SakkeParams, p.params)),
                ("id_scheme", "ID scheme", _named(SakkeIdScheme, p.id_scheme)),
                ("sakke_data_length", "SAKKE data length", len(p.data)),
                ("sakke_data", "SAKKE data", p.data)]
    if isinstance(p, (TP, TICKET)):
        flags = TicketFlags(p.flags)
        fields = [("ticket_type", "Ticket Type", _named(TicketType, p.ticket_type)),
                  ("subtype", "Subtype", p.subtype), ("version", "Version", p.version),
                  ("prf_func", "PRF Func", _named(PrfFunc, p.prf_func)),
                  ("flags", "flags", "".join(f.name for f in TicketFlags if f in flags) or "-"),
                  ("res", "Res", p.res), ("tp_data_length", "TP Data length", len(p.tp_data)),
                  ("tp_data", "TP Data", p.tp_data)]
        if isinstance(p, TICKET):
            fields += [("ticket_data_length", "Ticket Data length", len(p.ticket_data)),
                       ("ticket_data", "Ticket Data", p.ticket_data),
                       ("initiator_data_length", "Initiator Data length", len(p.initiator_data)),
                       ("initiator_data", "Initiator Data", p.initiator_data)]
        return fields
    return _extension_fields(p)


def _sp_fields(p: SP) -> list:
    srtp = p.prot_type == ProtType.SRTP
    params = []
    for ptype, value in p.params:
        name = _named(SrtpParam, ptype) if srtp else _Named(None, int(ptype))
        shown = _srtp_value(ptype, value) if srtp else bytes(value)
        size = "" if len(value) == 1 else f" [{len(value)} bytes]"
        params.append(_Block(_text(name), [("type", "Type", name), ("length", "Length", len(value)),
                                           ("value", "Value", shown)], _text(shown) + size))
    return [("policy_no", "Policy no", p.policy_no),
            ("prot_type", "Prot type", _named(ProtType, p.prot_type)),
            ("policy_param_length", "Policy param length", sum(2 + len(v) for _, v in p.params)),
            ("policy_param", "Policy param", params)]


def _kemac_fields(p: KEMAC, show_keys: bool) -> list:
    fields = [("encr_alg", "Encr alg", _named(EncrAlg, p.encr_alg)),
              ("encr_data_len", "Encr data len", len(p.encr_data))]
    if p.encr_alg == EncrAlg.NULL:
        try:
            keys = decode_key_data(p.encr_data)
        except MikeyError as e:
            fields.append(("key_data_error", "Encr data does not parse", str(e)))
            fields.append(("encr_data", "Encr data",
                           p.encr_data if show_keys else _Hidden(len(p.encr_data))))
        else:
            fields.append(("key_data", "Encr data (plaintext Key data)",
                           [_key_data_block(i + 1, k, 20 if i + 1 < len(keys) else 0, show_keys)
                            for i, k in enumerate(keys)]))
    return fields + [("mac_alg", "MAC alg", _named(MacAlg, p.mac_alg)), ("mac", "MAC", p.mac)]


def _extension_fields(p) -> list:
    fields = [("type", "Type", _named(GenExtType, p.ext_type))]
    if isinstance(p, SdpIdsExt):
        fields.append(("sdp_ids", "SDP IDs", p.kmpids))
    elif isinstance(p, KeyIdExt):
        fields.append(("key_ids", "Key ID", [
            _Block(f"Key ID {i + 1}", [
                ("key_id_type", "Key ID Type", _named(KeyIdType, k.key_id_type)),
                ("key_id_length", "Key ID Length", len(k.key_id)), ("key_id", "Key ID", k.key_id)])
            for i, k in enumerate(p.key_ids)]))
    elif isinstance(p, CsbIdExt):
        fields.append(("csb_id", "CSB_ID", _Hex(p.csb_id)))
    elif isinstance(p, (VendorIdExt, GeneralExtension)):
        fields += [("length", "Length", len(p.data)), ("data", "Data", p.data)]
    return fields


def _header_fields(h: Header, next_payload: int) -> list:
    cs_map = h.cs_map
    fields = [("version", "version", h.version),
              ("data_type", "data type", _named(DataType, h.data_type)),
              ("next_payload", "next payload", _named(PayloadType, next_payload)),
              ("v", "V", bool(h.v)), ("prf_func", "PRF func", _named(PrfFunc, h.prf_func)),
              ("csb_id", "CSB ID", _Hex(h.csb_id)), ("n_cs", "#CS", h.n_cs),
              ("cs_id_map_type", "CS ID map type", _named(CsIdMapType, cs_map.map_type))]
    if isinstance(cs_map, SrtpIdMap):
        fields.append(("cs_id_map_info", "CS ID map info", [
            _Block(f"CS ID {i + 1}",
                   [("cs_id", "CS ID", i + 1), ("policy_no", "Policy_no", e.policy_no),
                    ("ssrc", "SSRC", _Hex(e.ssrc)), ("roc", "ROC", e.roc)],
                   f"Policy_no {e.policy_no}, SSRC {_text(_Hex(e.ssrc))}, ROC {e.roc}")
            for i, e in enumerate(cs_map.entries)]))
    elif isinstance(cs_map, GenericIdMap):
        fields.append(("cs_id_map_info", "CS ID map info", [
            _Block(f"CS ID {e.cs_id}", [
                ("cs_id", "CS ID", e.cs_id),
                ("prot_type", "Prot type", _named(ProtType, e.prot_type)),
                ("s", "S", bool(e.s)), ("policies", "Ps", list(e.policies)),
                ("session_data", "Session Data", e.session_data), ("spi", "SPI", e.spi)])
            for e in cs_map.entries]))
    elif isinstance(cs_map, EmptyMap):
        fields.append(("cs_id_map_info", "CS ID map info", []))
    return fields


# -- assembling the whole message ------------------------------------------


def _blocks(decoded: Decoded, show_keys: bool):
    """(title, payload type, span, fields) for HDR and every payload."""
    message = decoded.message
    payloads = message.payloads
    kinds = [p.payload_type for p in payloads] + [PayloadType.LAST]
    spans = decoded.spans or [None] * (len(payloads) + 1)
    data_type = message.header.data_type
    out = [("HDR", None, spans[0], _header_fields(message.header, kinds[0]))]
    for i, p in enumerate(payloads):
        fields = _payload_fields(p, data_type, show_keys)
        if p.payload_type != PayloadType.SIGN:  # SIGN has no Next payload field
            fields.insert(0, ("next_payload", "Next payload", _named(PayloadType, kinds[i + 1])))
        title = _named(PayloadType, p.payload_type).name or str(p.payload_type)
        out.append((title, p.payload_type, spans[i + 1], fields))
    return out


def _as_decoded(decoded) -> Decoded:
    if isinstance(decoded, Message):
        return Decoded(decoded, [])
    return decoded


def _tree_lines(fields, indent: str) -> list[str]:
    lines = []
    for _key, label, value in fields:
        if isinstance(value, list) and value and all(isinstance(v, _Block) for v in value):
            lines.append(f"{indent}{label}:")
            for block in value:
                if block.summary is not None:
                    lines.append(f"{indent}  {block.title}: {block.summary}")
                else:
                    lines.append(f"{indent}  {block.title}:")
                    lines += _tree_lines(block.fields, indent + "    ")
        elif isinstance(value, list):
            lines.append(f"{indent}{label}: {', '.join(map(str, value)) if value else '(none)'}")
        else:
            lines.append(f"{indent}{label}: {_text(value)}")
    return lines


def render_tree(decoded: Decoded | Message, show_keys: bool = False) -> str:
    """A readable text tree of the message, one block per payload."""
    decoded = _as_decoded(decoded)
    lines = []
    for title, _kind, span, fields in _blocks(decoded, show_keys):
        where = f"  (offset {span[0]}, {span[1] - span[0]} bytes)" if span else ""
        lines.append(f"{title}{where}")
        lines += _tree_lines(fields, "  ")
    if decoded.tolerated:
        lines.append("tolerated: " + ", ".join(decoded.tolerated))
    return "\n".join(lines) + "\n"


def to_json(decoded: Decoded | Message, show_keys: bool = False) -> dict:
    """{"header": {...}, "payloads": [...], "tolerated": [...]}: plain
    JSON values only (bytes as hex, enums as {"name", "value"}, hidden keys
    as null next to their lengths)."""
    decoded = _as_decoded(decoded)
    blocks = _blocks(decoded, show_keys)
    _, _, span, fields = blocks[0]
    header = _json_fields(fields)
    if span:
        header["span"] = list(span)
    payloads = []
    for _title, kind, span, fields in blocks[1:]:
        entry = {"payload": _json(_named(PayloadType, kind))}
        if span:
            entry["span"] = list(span)
        entry.update(_json_fields(fields))
        payloads.append(entry)
    return {"header": header, "payloads": payloads, "tolerated": list(decoded.tolerated)}
