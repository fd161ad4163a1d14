#!/usr/bin/env python3
"""make_pst.py: writes a Unicode Outlook PST ([MS-PST]) of generated mail.

  make_pst.py OUT.pst --messages N [--folders F] [--recipients-per-message R]
              [--body-bytes B] [--seed S] [--truth FILE]

For benchmarks of PST readers: there is no PST writer on this machine and no
multi-GB PST to read. Python 3 standard library only, written from the
[MS-PST] specification. The writer streams: messages are written as they are
generated, the node and block indexes go to temporary files (next to OUT)
and are built bottom-up at the end, so its memory does not grow with N.

What it writes (NDB_CRYPT_NONE, 512-byte pages):
  - the header with both CRCs, AMaps (and PMaps every 8 AMaps), a DList
    page; the file grows by whole AMap intervals;
  - the node and block B-trees (NBT, BBT), as many levels as needed;
  - data blocks with trailers, CRCs and signatures; XBLOCKs (XXBLOCKs past
    1,021 blocks) for data over 8,176 bytes; SLBLOCKs for subnodes;
  - LTP: heaps on node of one or more pages (HNBITMAPHDR at page 8, 136...),
    BTHs of one or more levels, property contexts and table contexts (row
    matrix in the heap, or in a subnode when over 3,580 bytes);
  - a message store (0x21), a name-to-id map (0x61), the root folder (0x122)
    and "Top of Personal Folders" holding Inbox, Sent Items, Deleted Items
    and custom folders (each with its hierarchy, contents and FAI contents
    tables: libpff lists subfolders and messages from those tables' row
    ids), and IPM.Note messages with a recipient table (0x692).

Not written: FMap and FPMap pages (deprecated; no reader used here needs
them, but Outlook's own checks may want them past the first 128 AMaps, about
32 MB), search folders and queues, the template tables, attachments.

Mail: reserved domains only (example.com/.org/.net). Most messages have 1-3
recipients; about 2% have a Cc of 50-1,000 addresses; about 3% are
Bcc-only. --truth writes one JSON line per message (subject, folder,
message-id, To/Cc/Bcc counts and the distinct To+Cc count).
"""
import argparse
import array
import json
import os
import random
import struct
import sys
import tempfile
import time
import zlib

# ----------------------------------------------------------------- NDB layer

PAGE = 512
BLOCK_MAX = 8192
BLOCK_DATA_MAX = 8176           # 8192 - 16-byte trailer
FIRST_AMAP = 0x4400
DLIST_OFFSET = 0x4200
AMAP_SPAN = 496 * 8 * 64        # 253,952 bytes mapped by one AMap
PMAP_EVERY = 8                  # a PMap follows every 8th AMap
HEAP_ALLOC_MAX = 3580           # largest heap allocation
XBLOCK_MAX = (BLOCK_DATA_MAX - 8) // 8      # 1,021 BIDs in an XBLOCK
SLBLOCK_MAX = (BLOCK_DATA_MAX - 8) // 24    # 340 entries in an SLBLOCK

PTYPE_BBT, PTYPE_NBT, PTYPE_PMAP, PTYPE_AMAP, PTYPE_DL = 0x80, 0x81, 0x83, 0x84, 0x86

NID_TYPE_HID = 0x00
NID_TYPE_INTERNAL = 0x01
NID_TYPE_NORMAL_FOLDER = 0x02
NID_TYPE_NORMAL_MESSAGE = 0x04
NID_TYPE_HIERARCHY_TABLE = 0x0D
NID_TYPE_CONTENTS_TABLE = 0x0E
NID_TYPE_ASSOC_CONTENTS_TABLE = 0x0F
NID_TYPE_LTP = 0x1F

NID_MESSAGE_STORE = 0x21
NID_NAME_TO_ID_MAP = 0x61
NID_ROOT_FOLDER = 0x122
NID_RECIPIENT_TABLE = 0x692


def crc32(data):
    """[MS-PST] 5.3: CRC-32 (reflected, polynomial 0xEDB88320), initial value
    0 and no final inversion; zlib's crc32 inverts both, so undo that."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def signature(ib, bid):
    """[MS-PST] 5.5: the wSig of a block or B-tree page."""
    x = (ib ^ bid) & 0xFFFFFFFFFFFFFFFF
    return ((x >> 16) ^ x) & 0xFFFF


def align(n, a):
    return (n + a - 1) // a * a


class NdbWriter:
    """Places blocks and pages in the file, keeps the AMaps, and records every
    block (BBT) and node (NBT) for the indexes written at the end."""

    def __init__(self, path, tmpdir):
        self.path = path
        self.f = open(path, "w+b")
        self.fpos = 0
        self.region = -1
        self.amap = None
        self.amap_free = 0
        self.next_bid = 1          # block BIDs: index << 2 (bit 1: internal)
        self.next_page_bid = 1
        self.bbt = tempfile.TemporaryFile(dir=tmpdir)     # bid, ib, cb
        self.bbt_count = 0
        self.nbt_low = []          # nodes with small NIDs (store, folders, tables)
        self.nbt_stream = tempfile.TemporaryFile(dir=tmpdir)  # messages, NIDs rising
        self.nbt_stream_count = 0
        self.last_stream_nid = 0
        self.blocks_bytes = 0
        self._enter_region(0)

    # -- space
    def _region_start(self, k):
        return FIRST_AMAP + k * AMAP_SPAN

    def _mark(self, pos, size):
        start = self._region_start(self.region)
        first = (pos - start) // 64
        last = (pos + size - 1 - start) // 64
        for bit in range(first, last + 1):
            self.amap[bit >> 3] |= 0x80 >> (bit & 7)

    def _flush_region(self):
        if self.amap is None:
            return
        start = self._region_start(self.region)
        bits = bytes(self.amap)
        self.amap_free += sum(8 - bin(b).count("1") for b in bits) * 64
        self._write_at(start, bits + struct.pack("<BBHIQ", PTYPE_AMAP, PTYPE_AMAP, 0,
                                                 crc32(bits), start))
        if self.region % PMAP_EVERY == 0:
            pbits = b"\xff" * 496      # PMaps are deprecated: all pages "in use"
            self._write_at(start + PAGE, pbits + struct.pack(
                "<BBHIQ", PTYPE_PMAP, PTYPE_PMAP, 0, crc32(pbits), start + PAGE))

    def _enter_region(self, k):
        self._flush_region()
        self.region = k
        self.amap = bytearray(496)
        start = self._region_start(k)
        reserved = PAGE * (2 if k % PMAP_EVERY == 0 else 1)
        self._mark(start, reserved)
        self.cursor = start + reserved

    def alloc(self, size, alignment):
        pos = align(self.cursor, alignment)
        if pos + size > self._region_start(self.region + 1):
            self._enter_region(self.region + 1)
            pos = align(self.cursor, alignment)
        self._mark(pos, size)
        self.cursor = pos + size
        return pos

    def _write_at(self, pos, data):
        if pos != self.fpos:
            self.f.seek(pos)
        self.f.write(data)
        self.fpos = pos + len(data)

    # -- blocks
    def new_bid(self, internal=False):
        bid = (self.next_bid << 2) | (2 if internal else 0)
        self.next_bid += 1
        return bid

    def write_block(self, data, internal=False):
        cb = len(data)
        if cb > BLOCK_DATA_MAX:
            raise ValueError("block of %d bytes" % cb)
        size = align(cb + 16, 64)
        bid = self.new_bid(internal)
        ib = self.alloc(size, 64)
        self._write_at(ib, bytes(data) + bytes(size - 16 - cb)
                       + struct.pack("<HHIQ", cb, signature(ib, bid), crc32(data), bid))
        self.bbt.write(struct.pack("<QQH", bid, ib, cb))
        self.bbt_count += 1
        self.blocks_bytes += size
        return bid, cb

    def write_tree(self, blocks):
        """A data tree over data blocks [(bid, cb)]: the block itself, an
        XBLOCK, or an XXBLOCK of XBLOCKs."""
        if len(blocks) == 1:
            return blocks[0][0]
        total = sum(cb for _, cb in blocks)
        if len(blocks) <= XBLOCK_MAX:
            return self._xblock(1, blocks, total)
        inner = []
        for i in range(0, len(blocks), XBLOCK_MAX):
            part = blocks[i:i + XBLOCK_MAX]
            sub_total = sum(cb for _, cb in part)
            inner.append((self._xblock(1, part, sub_total), sub_total))
        if len(inner) > XBLOCK_MAX:
            raise ValueError("data over %d bytes" % (XBLOCK_MAX * XBLOCK_MAX * BLOCK_DATA_MAX))
        return self._xblock(2, inner, total)

    def _xblock(self, level, children, total):
        data = struct.pack("<BBHI", 1, level, len(children), total) + \
            struct.pack("<%dQ" % len(children), *(bid for bid, _ in children))
        return self.write_block(data, internal=True)[0]

    def write_data(self, data):
        """Any length of node data: one block or a tree of them."""
        if len(data) <= BLOCK_DATA_MAX:
            return self.write_block(data)[0]
        return self.write_tree([self.write_block(data[i:i + BLOCK_DATA_MAX])
                                for i in range(0, len(data), BLOCK_DATA_MAX)])

    def write_subnodes(self, entries):
        """An SLBLOCK of [(nid, bid_data, bid_sub)], 0 when none."""
        if not entries:
            return 0
        entries = sorted(entries)
        if len(entries) > SLBLOCK_MAX:
            raise ValueError("more than %d subnodes" % SLBLOCK_MAX)
        data = struct.pack("<BBHI", 2, 0, len(entries), 0) + b"".join(
            struct.pack("<QQQ", nid, bd, bs) for nid, bd, bs in entries)
        return self.write_block(data, internal=True)[0]

    # -- nodes
    def add_node(self, nid, bid_data, bid_sub, parent, stream=False):
        if stream:     # message nodes: written in rising NID order
            if nid <= self.last_stream_nid:
                raise ValueError("NIDs out of order")
            self.last_stream_nid = nid
            self.nbt_stream.write(struct.pack("<QQQII", nid, bid_data, bid_sub, parent, 0))
            self.nbt_stream_count += 1
        else:
            self.nbt_low.append(struct.pack("<QQQII", nid, bid_data, bid_sub, parent, 0))

    # -- B-trees
    def _write_page(self, entries, cb_ent, level, ptype):
        body = b"".join(entries)
        body += bytes(488 - len(body))
        body += struct.pack("<BBBB4x", len(entries), 488 // cb_ent, cb_ent, level)
        bid = self.next_page_bid
        self.next_page_bid += 1
        ib = self.alloc(PAGE, PAGE)
        self._write_at(ib, body + struct.pack("<BBHIQ", ptype, ptype, signature(ib, bid),
                                              crc32(body), bid))
        return bid, ib

    def _build_btree(self, records, cb_leaf, ptype):
        """Writes the leaf pages of sorted `records` (bytes, key first), then
        the index levels above them; returns the root's (bid, ib)."""
        keys, bids, ibs = array.array("Q"), array.array("Q"), array.array("Q")
        per = 488 // cb_leaf
        chunk = []
        for rec in records:
            chunk.append(rec)
            if len(chunk) == per:
                self._leaf(chunk, cb_leaf, ptype, keys, bids, ibs)
                chunk = []
        if chunk or not keys:
            self._leaf(chunk, cb_leaf, ptype, keys, bids, ibs)
        level = 0
        while len(keys) > 1:
            level += 1
            nk, nb, ni = array.array("Q"), array.array("Q"), array.array("Q")
            for i in range(0, len(keys), 20):
                ents = [struct.pack("<QQQ", keys[j], bids[j], ibs[j])
                        for j in range(i, min(i + 20, len(keys)))]
                bid, ib = self._write_page(ents, 24, level, ptype)
                nk.append(keys[i])
                nb.append(bid)
                ni.append(ib)
            keys, bids, ibs = nk, nb, ni
        return bids[0], ibs[0]

    def _leaf(self, chunk, cb_leaf, ptype, keys, bids, ibs):
        bid, ib = self._write_page(chunk, cb_leaf, 0, ptype)
        keys.append(struct.unpack_from("<Q", chunk[0])[0] if chunk else 0)
        bids.append(bid)
        ibs.append(ib)

    def _stream_records(self, f, size):
        f.seek(0)
        while True:
            buf = f.read(size * 4096)
            if not buf:
                return
            for i in range(0, len(buf), size):
                yield buf[i:i + size]

    def finish(self, rgnid):
        def nbt_records():
            low = sorted(self.nbt_low, key=lambda rec: struct.unpack_from("<Q", rec)[0])
            if low and self.nbt_stream_count and \
                    struct.unpack_from("<Q", low[-1])[0] >= struct.unpack_from(
                        "<Q", next(self._stream_records(self.nbt_stream, 32)))[0]:
                raise ValueError("folder NIDs overlap message NIDs")
            yield from low
            yield from self._stream_records(self.nbt_stream, 32)

        def bbt_records():
            for rec in self._stream_records(self.bbt, 18):
                bid, ib, cb = struct.unpack("<QQH", rec)
                yield struct.pack("<QQHHI", bid, ib, cb, 2, 0)

        self.bbt.flush()
        self.nbt_stream.flush()
        self.dlist_ib = DLIST_OFFSET
        nbt_root = self._build_btree(nbt_records(), 32, PTYPE_NBT)
        # The BBT lists blocks only; its own pages are pages, not blocks.
        bbt_root = self._build_btree(bbt_records(), 24, PTYPE_BBT)
        last_amap = self._region_start(self.region)
        self._flush_region()
        eof = self._region_start(self.region + 1)
        self.f.truncate(eof)
        # DList: no entries (an optional structure for Outlook's free space).
        dl = struct.pack("<BBHI", 0, 0, 0, 0) + bytes(476 + 12)
        self._write_at(DLIST_OFFSET, dl + struct.pack("<BBHIQ", PTYPE_DL, PTYPE_DL, 0,
                                                      crc32(dl), DLIST_OFFSET))
        root = struct.pack("<IQQQQQQQQBBH", 0, eof, last_amap, self.amap_free, 0,
                           nbt_root[0], nbt_root[1], bbt_root[0], bbt_root[1], 2, 0, 0)
        head = bytearray(564)
        head[0:4] = b"!BDN"
        struct.pack_into("<2sHHBBII", head, 8, b"SM", 23, 19, 1, 1, 0, 0)
        struct.pack_into("<Q", head, 24, 0)                          # bidUnused
        struct.pack_into("<Q", head, 32, self.next_page_bid)         # bidNextP
        struct.pack_into("<I", head, 40, 1)                          # dwUnique
        struct.pack_into("<32I", head, 44, *rgnid)
        head[180:252] = root
        head[256:384] = b"\xff" * 128                                # rgbFM
        head[384:512] = b"\xff" * 128                                # rgbFP
        head[512] = 0x80                                             # bSentinel
        head[513] = 0                                                # NDB_CRYPT_NONE
        struct.pack_into("<Q", head, 516, self.next_bid << 2)         # bidNextB
        struct.pack_into("<I", head, 4, crc32(bytes(head[8:8 + 471])))
        struct.pack_into("<I", head, 524, crc32(bytes(head[8:8 + 516])))
        self._write_at(0, bytes(head))
        self.f.close()
        self.bbt.close()
        self.nbt_stream.close()
        return eof


# ----------------------------------------------------------------- LTP layer

PT_UNSPECIFIED, PT_SHORT, PT_LONG, PT_BOOLEAN = 0x0000, 0x0002, 0x0003, 0x000B
PT_LONGLONG, PT_SYSTIME = 0x0014, 0x0040
PT_UNICODE, PT_BINARY = 0x001F, 0x0102
FIXED_SIZE = {PT_SHORT: 2, PT_LONG: 4, PT_BOOLEAN: 1, PT_LONGLONG: 8, PT_SYSTIME: 8}


def encode(ptype, value):
    if ptype == PT_UNICODE:
        return value.encode("utf-16-le")
    if ptype == PT_BINARY:
        return bytes(value)
    if ptype in (PT_SYSTIME, PT_LONGLONG):
        return struct.pack("<Q", value)
    if ptype == PT_LONG:
        return struct.pack("<I", value & 0xFFFFFFFF)
    if ptype == PT_SHORT:
        return struct.pack("<H", value & 0xFFFF)
    if ptype == PT_BOOLEAN:
        return b"\x01" if value else b"\x00"
    raise ValueError("type 0x%04x" % ptype)


class Heap:
    """A heap on node: allocations packed into pages (one data block each).
    Full pages are written at once; page 0 (the HNHDR) stays in memory until
    finish(), so its allocations can still be patched."""

    def __init__(self, ndb, client_sig):
        self.ndb = ndb
        self.client_sig = client_sig
        self.page0 = []
        self.cur = self.page0
        self.index = 0
        self.used = 0
        self.blocks = [None]       # (bid, cb) per page; page 0 at finish

    @staticmethod
    def _header_size(index):
        if index == 0:
            return 12
        return 66 if index % 128 == 8 else 2

    def alloc(self, data):
        n = len(data)
        if n > HEAP_ALLOC_MAX:
            raise ValueError("heap allocation of %d bytes" % n)
        need = self._header_size(self.index) + self.used + n + 1 + 4 + 2 * (len(self.cur) + 2)
        if need > BLOCK_DATA_MAX or len(self.cur) >= 2047:
            self._close_page()
        self.cur.append(bytearray(data))
        self.used += n
        return (self.index << 16) | (len(self.cur) << 5)

    def patch(self, hid, data):
        page, i = hid >> 16, ((hid >> 5) & 0x7FF) - 1
        target = self.page0 if page == 0 else self.cur
        if page not in (0, self.index) or len(target[i]) != len(data):
            raise ValueError("patch of a written allocation")
        target[i][:] = data

    def _page_bytes(self, index, allocs, root):
        off = self._header_size(index)
        offsets = []
        for a in allocs:
            offsets.append(off)
            off += len(a)
        offsets.append(off)
        pad = off & 1
        ib_hnpm = off + pad
        if index == 0:
            head = struct.pack("<HBBI4x", ib_hnpm, 0xEC, self.client_sig, root)
        elif index % 128 == 8:
            head = struct.pack("<H", ib_hnpm) + bytes(64)
        else:
            head = struct.pack("<H", ib_hnpm)
        return b"".join([head] + allocs) + bytes(pad) + struct.pack(
            "<HH%dH" % len(offsets), len(allocs), 0, *offsets)

    def _close_page(self):
        if self.index > 0:
            self.blocks.append(self.ndb.write_block(self._page_bytes(self.index, self.cur, 0)))
        self.index += 1
        self.cur = []
        self.used = 0

    def finish(self, root_hid):
        """Writes what is left; returns the BID of the heap's data."""
        if self.index > 0:
            self.blocks.append(self.ndb.write_block(self._page_bytes(self.index, self.cur, 0)))
        self.blocks[0] = self.ndb.write_block(self._page_bytes(0, self.page0, root_hid))
        return self.ndb.write_tree(self.blocks)


class Bth:
    """A BTH built from records (bytes: key then data) added in rising key
    order: leaves of up to 3,580 bytes go to the heap as they fill, index
    levels and the header at finish(), which returns the header's HID."""

    def __init__(self, heap, key_size, data_size):
        self.heap, self.key_size, self.data_size = heap, key_size, data_size
        self.per = HEAP_ALLOC_MAX // (key_size + data_size)
        self.nodes, self.chunk = [], []

    def add(self, record):
        self.chunk.append(record)
        if len(self.chunk) == self.per:
            self._leaf()

    def _leaf(self):
        self.nodes.append((self.chunk[0][:self.key_size], self.heap.alloc(b"".join(self.chunk))))
        self.chunk = []

    def finish(self):
        if self.chunk:
            self._leaf()
        nodes, levels = self.nodes, 0
        per = HEAP_ALLOC_MAX // (self.key_size + 4)
        while len(nodes) > 1:
            levels += 1
            nodes = [(nodes[i][0], self.heap.alloc(b"".join(k + struct.pack("<I", h)
                                                             for k, h in nodes[i:i + per])))
                     for i in range(0, len(nodes), per)]
        root = nodes[0][1] if nodes else 0
        return self.heap.alloc(struct.pack("<BBBBI", 0xB5, self.key_size, self.data_size,
                                           levels, root))


class SubnodeIds:
    """NIDs for the subnodes of one node (property values, row matrices)."""

    def __init__(self):
        self.next = 0x100

    def __call__(self):
        nid = (self.next << 5) | NID_TYPE_LTP
        self.next += 1
        return nid


def write_pc(ndb, props):
    """A property context of [(prop_id, type, value)]; returns its data BID
    and its subnode entries [(nid, bid_data, bid_sub)]: values over 3,580
    bytes go to subnodes."""
    heap = Heap(ndb, 0xBC)
    header = heap.alloc(bytes(8))      # the BTH header first, in page 0
    subnodes, new_nid = [], SubnodeIds()
    records = []
    for pid, ptype, value in sorted(props, key=lambda p: p[0]):
        if ptype == PT_UNSPECIFIED:
            ref = 0
        elif ptype in (PT_LONG, PT_SHORT, PT_BOOLEAN):
            raw = encode(ptype, value)
            ref = struct.unpack("<I", raw + bytes(4 - len(raw)))[0]
        else:
            raw = encode(ptype, value)
            if not raw:
                continue
            if len(raw) <= HEAP_ALLOC_MAX:
                ref = heap.alloc(raw)
            else:
                ref = new_nid()
                subnodes.append((ref, ndb.write_data(raw), 0))
        records.append(struct.pack("<HHI", pid, ptype, ref))
    # The BTH's records: one leaf holds 447 properties, more than written here.
    leaf = heap.alloc(b"".join(records)) if records else 0
    heap.patch(header, struct.pack("<BBBBI", 0xB5, 2, 6, 0, leaf))
    return heap.finish(header), subnodes


PID_ROW_ID, PID_ROW_VER = 0x67F2, 0x67F3


class Table:
    """A table context: columns [(prop_id, type)] besides the row id and
    version. Rows are added with add(row_id, {prop_id: value}) in rising
    row_id order and can be many: strings go to the heap as they come, the
    row matrix to blocks of whole rows, the row index to BTH leaves."""

    def __init__(self, ndb, columns, n_rows):
        self.ndb = ndb
        self.heap = Heap(ndb, 0x7C)
        cols = [(PID_ROW_ID, PT_LONG), (PID_ROW_VER, PT_LONG)] + list(columns)
        size = lambda t: FIXED_SIZE.get(t, 4)     # variable types: a 4-byte HNID
        # Row: id, version, 8- and 4-byte values, 2-byte, 1-byte, then the
        # cell existence bitmap; rgib holds where each group ends.
        groups = [cols[:2] + [c for c in cols[2:] if size(c[1]) == 8]
                  + [c for c in cols[2:] if size(c[1]) == 4],
                  [c for c in cols[2:] if size(c[1]) == 2],
                  [c for c in cols[2:] if size(c[1]) == 1]]
        self.layout = []           # (prop_id, type, offset, size, bit)
        off, ends = 0, []
        for group in groups:
            for pid, ptype in group:
                self.layout.append((pid, ptype, off, size(ptype), len(self.layout)))
                off += size(ptype)
            ends.append(off)
        self.ceb = (len(self.layout) + 7) // 8
        self.row_size = off + self.ceb
        self.rgib = (ends[0], ends[1], ends[2], self.row_size)
        self.tcinfo_cols = sorted(self.layout, key=lambda c: (c[0] << 16) | c[1])
        self.tcinfo = self.heap.alloc(bytes(22 + 8 * len(self.layout)))
        self.n_rows = n_rows
        self.in_heap = n_rows * self.row_size <= HEAP_ALLOC_MAX
        self.rows_per_block = BLOCK_DATA_MAX // self.row_size
        self.matrix, self.blocks = [], []
        self.row_index = Bth(self.heap, 4, 4)
        self.count = 0
        self.last_id = -1
        self.subnodes, self.new_nid = [], SubnodeIds()

    def add(self, row_id, values):
        if row_id <= self.last_id:
            raise ValueError("row ids out of order")
        self.last_id = row_id
        row = bytearray(self.row_size)
        ceb = bytearray(self.ceb)
        for pid, ptype, off, size, bit in self.layout:
            if pid == PID_ROW_ID:
                value = row_id
            elif pid == PID_ROW_VER:
                value = 0
            elif pid in values and values[pid] is not None:
                value = values[pid]
            else:
                continue
            raw = encode(ptype, value)
            if ptype in FIXED_SIZE:
                row[off:off + size] = raw
            else:
                if not raw:
                    continue
                raw = raw[:HEAP_ALLOC_MAX]
                row[off:off + 4] = struct.pack("<I", self.heap.alloc(raw))
            ceb[bit >> 3] |= 0x80 >> (bit & 7)
        row[self.row_size - self.ceb:] = ceb
        self.matrix.append(bytes(row))
        self.row_index.add(struct.pack("<II", row_id, self.count))
        self.count += 1
        if not self.in_heap and len(self.matrix) == self.rows_per_block:
            self.blocks.append(self.ndb.write_block(b"".join(self.matrix)))
            self.matrix = []

    def finish(self):
        """Returns (bid_data, bid_sub) of the table's node."""
        if self.count != self.n_rows:
            raise ValueError("%d rows announced, %d added" % (self.n_rows, self.count))
        if self.count == 0:
            rows = 0
        elif self.in_heap:
            rows = self.heap.alloc(b"".join(self.matrix))
        else:
            if self.matrix:
                self.blocks.append(self.ndb.write_block(b"".join(self.matrix)))
            rows = self.new_nid()
            self.subnodes.append((rows, self.ndb.write_tree(self.blocks), 0))
        row_index = self.row_index.finish()
        info = struct.pack("<BBHHHHIII", 0x7C, len(self.layout), *self.rgib, row_index, rows, 0)
        info += b"".join(struct.pack("<IHBB", (pid << 16) | ptype, off, size, bit)
                         for pid, ptype, off, size, bit in self.tcinfo_cols)
        self.heap.patch(self.tcinfo, info)
        bid = self.heap.finish(self.tcinfo)
        return bid, self.ndb.write_subnodes(self.subnodes)


# ------------------------------------------------------------- the messages

FIRST = ["alba", "bertil", "corisande", "dagny", "evander", "fenwick", "greta",
         "halvard", "isolde", "jonas", "katrin", "leopold", "maren", "niall",
         "odile", "piers", "quilla", "rosamund", "soren", "tova", "ulla", "viggo"]
LAST = ["ashgrove", "bellwether", "cinderford", "dunmere", "elderby",
        "fallowmere", "glimmerton", "hartsbrook", "ivyholt", "juniperly",
        "kestrelwick", "larkspur", "mossbank", "nettlecombe", "oakhurst"]
DOMAINS = ["example.com", "example.org", "example.net"]
WORDS = ("the of and to in is that for it as with was on be by this are from at "
         "or an but not have has which you were all their one there can we our "
         "report budget meeting quarter review figures schedule project office "
         "team please attached find below thanks regards update agenda notes "
         "minutes draft final version changes comments approval deadline").split()
FOLDER_NAMES = ["Inbox", "Sent Items", "Deleted Items", "Projects", "Archive 2025",
                "Customers", "Newsletters", "Board", "Travel", "Finance"]

# MAPI property ids
P_MESSAGE_CLASS, P_SUBJECT, P_CLIENT_SUBMIT_TIME = 0x001A, 0x0037, 0x0039
P_IMPORTANCE = 0x0017
P_SENT_REPR_NAME, P_SENT_REPR_ADDRTYPE, P_SENT_REPR_EMAIL = 0x0042, 0x0064, 0x0065
P_SENDER_NAME, P_SENDER_ADDRTYPE, P_SENDER_EMAIL = 0x0C1A, 0x0C1E, 0x0C1F
P_RECIPIENT_TYPE = 0x0C15
P_DISPLAY_BCC, P_DISPLAY_CC, P_DISPLAY_TO = 0x0E02, 0x0E03, 0x0E04
P_DELIVERY_TIME, P_MESSAGE_FLAGS, P_MESSAGE_SIZE = 0x0E06, 0x0E07, 0x0E08
P_RESPONSIBILITY = 0x0E0F
P_RECORD_KEY, P_OBJECT_TYPE = 0x0FF9, 0x0FFE
P_BODY, P_INTERNET_MESSAGE_ID = 0x1000, 0x1035
P_DISPLAY_NAME, P_ADDRTYPE, P_EMAIL_ADDRESS = 0x3001, 0x3002, 0x3003
P_CREATION_TIME, P_LAST_MODIFICATION_TIME = 0x3007, 0x3008
P_IPM_SUBTREE_ENTRYID, P_IPM_WASTEBASKET_ENTRYID = 0x35E0, 0x35E3
P_CONTENT_COUNT, P_CONTENT_UNREAD, P_SUBFOLDERS, P_CONTAINER_CLASS = 0x3602, 0x3603, 0x360A, 0x3613
P_DISPLAY_TYPE, P_SMTP_ADDRESS = 0x3900, 0x39FE
P_SEND_RICH_INFO = 0x3A40
P_INTERNET_CODEPAGE = 0x3FDE
P_SENT_REPR_SMTP, P_SENDER_SMTP = 0x5D02, 0x5D01

CONTENTS_COLUMNS = [(P_IMPORTANCE, PT_LONG), (P_MESSAGE_CLASS, PT_UNICODE),
                    (P_SUBJECT, PT_UNICODE), (P_CLIENT_SUBMIT_TIME, PT_SYSTIME),
                    (P_SENT_REPR_NAME, PT_UNICODE), (P_DISPLAY_CC, PT_UNICODE),
                    (P_DISPLAY_TO, PT_UNICODE), (P_DELIVERY_TIME, PT_SYSTIME),
                    (P_MESSAGE_FLAGS, PT_LONG), (P_MESSAGE_SIZE, PT_LONG),
                    (P_LAST_MODIFICATION_TIME, PT_SYSTIME)]
HIERARCHY_COLUMNS = [(P_DISPLAY_NAME, PT_UNICODE), (P_CONTENT_COUNT, PT_LONG),
                     (P_CONTENT_UNREAD, PT_LONG), (P_SUBFOLDERS, PT_BOOLEAN),
                     (P_CONTAINER_CLASS, PT_UNICODE)]
RECIPIENT_COLUMNS = [(P_RECIPIENT_TYPE, PT_LONG), (P_RESPONSIBILITY, PT_BOOLEAN),
                     (P_OBJECT_TYPE, PT_LONG), (P_DISPLAY_NAME, PT_UNICODE),
                     (P_ADDRTYPE, PT_UNICODE), (P_EMAIL_ADDRESS, PT_UNICODE),
                     (P_DISPLAY_TYPE, PT_LONG), (P_SMTP_ADDRESS, PT_UNICODE),
                     (P_SEND_RICH_INFO, PT_BOOLEAN)]

FILETIME_1970 = 116444736000000000


def filetime(unix):
    return FILETIME_1970 + int(unix) * 10_000_000


class Mail:
    def __init__(self, seed, recipients_mean, body_bytes):
        self.r = random.Random(seed)
        self.mean = recipients_mean
        self.body_bytes = body_bytes
        words = [self.r.choice(WORDS) for _ in range(60000)]
        lines, line = [], []
        for w in words:
            line.append(w)
            if len(" ".join(line)) > 60 + self.r.randrange(15):
                lines.append(" ".join(line))
                line = []
        self.text = "\r\n".join(lines) + "\r\n"

    def person(self):
        r = self.r
        first, last = r.choice(FIRST), r.choice(LAST)
        return ("%s %s" % (first.capitalize(), last.capitalize()),
                "%s.%s%d@%s" % (first, last, r.randrange(1000), r.choice(DOMAINS)))

    def recipients(self):
        r = self.r
        u = r.random()
        if u < 0.02:     # wide: a Cc of 50 to 1,000
            to = [self.person() for _ in range(1 + r.randrange(3))]
            cc = [self.person() for _ in range(int(50 * 20 ** r.random()))]
            bcc = [self.person() for _ in range(r.randrange(3))]
        elif u < 0.05:   # Bcc only
            to, cc = [], []
            bcc = [self.person() for _ in range(1 + r.randrange(40))]
        else:            # ordinary: 1-3 mostly
            n = max(1, min(12, int(r.expovariate(1.0 / self.mean) + 0.5)))
            to = [self.person() for _ in range(max(1, n - r.randrange(2)))]
            cc = [self.person() for _ in range(n - len(to))]
            bcc = [self.person()] if r.random() < 0.05 else []
        return to, cc, bcc

    def body(self):
        # UTF-16 bytes around --body-bytes (lognormal spread)
        chars = max(40, int(self.r.lognormvariate(0, 0.6) * self.body_bytes / 2 / 1.2))
        chars = min(chars, len(self.text) - 1)
        start = self.r.randrange(len(self.text) - chars)
        return self.text[start:start + chars]


def entry_id(store_uid, nid):
    return b"\x00" * 4 + store_uid + struct.pack("<I", nid)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--folders", type=int, default=4,
                   help="folders under Top of Personal Folders (first: Inbox, Sent Items, "
                        "Deleted Items, then custom ones)")
    p.add_argument("--recipients-per-message", type=float, default=1.6,
                   help="mean recipients of an ordinary message (wide and Bcc-only ones aside)")
    p.add_argument("--body-bytes", type=int, default=6000,
                   help="mean size of PR_BODY_W in bytes (UTF-16)")
    p.add_argument("--seed", type=int, default=20261205)
    p.add_argument("--truth", help="write one JSON line per message here")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--unspecified-property", action="store_true",
                   help="give each message a property of type 0, as Aspose.Email does")
    args = p.parse_args()
    if args.folders < 1 or args.messages < 0:
        sys.exit("make_pst: --folders >= 1, --messages >= 0")

    started = time.time()
    tmpdir = os.path.dirname(os.path.abspath(args.out))
    ndb = NdbWriter(args.out, tmpdir)
    mail = Mail(args.seed, args.recipients_per_message, args.body_bytes)
    r = mail.r
    store_uid = bytes(r.getrandbits(8) for _ in range(16))
    truth = open(args.truth, "w") if args.truth else None

    # Folders: the root (0x122), Top of Personal Folders, its subfolders.
    names = [FOLDER_NAMES[i] if i < len(FOLDER_NAMES) else "Folder %d" % (i + 1)
             for i in range(args.folders)]
    top_index = 0x401
    top_nid = (top_index << 5) | NID_TYPE_NORMAL_FOLDER
    folder_nids = [((top_index + 1 + i) << 5) | NID_TYPE_NORMAL_FOLDER for i in range(args.folders)]
    # Contents rows wait in one file per folder (rows with strings), read back
    # at the end: the writer never holds a folder's list of messages.
    pending = [tempfile.TemporaryFile(dir=tmpdir) for _ in names]
    counts = [0] * len(names)
    weights = [4 if n == "Inbox" else 2 if n == "Sent Items" else 1 for n in names]
    message_index = 0x10000

    for i in range(args.messages):
        k = r.choices(range(len(names)), weights)[0]
        nid = (message_index << 5) | NID_TYPE_NORMAL_MESSAGE
        message_index += 1
        to, cc, bcc = mail.recipients()
        sender = mail.person()
        submit = 1546300800 + i * 300 + r.randrange(300)
        subject = "%s %s #%d" % (r.choice(WORDS).capitalize(),
                                 " ".join(r.choice(WORDS) for _ in range(2 + r.randrange(5))), i)
        msgid = "<%d.%08x@pst.example.com>" % (i, r.getrandbits(32))
        body = mail.body()
        display_to = "; ".join(n for n, _ in to)
        display_cc = "; ".join(n for n, _ in cc)
        display_bcc = "; ".join(n for n, _ in bcc)
        size = 2 * len(body) + 200 * (len(to) + len(cc) + len(bcc)) + 600
        flags = 1  # MSGFLAG_READ
        props = [
            (P_MESSAGE_CLASS, PT_UNICODE, "IPM.Note"),
            (P_SUBJECT, PT_UNICODE, subject),
            (P_IMPORTANCE, PT_LONG, 1),
            (P_CLIENT_SUBMIT_TIME, PT_SYSTIME, filetime(submit)),
            (P_DELIVERY_TIME, PT_SYSTIME, filetime(submit + 2)),
            (P_CREATION_TIME, PT_SYSTIME, filetime(submit + 2)),
            (P_LAST_MODIFICATION_TIME, PT_SYSTIME, filetime(submit + 2)),
            (P_SENT_REPR_NAME, PT_UNICODE, sender[0]),
            (P_SENT_REPR_ADDRTYPE, PT_UNICODE, "SMTP"),
            (P_SENT_REPR_EMAIL, PT_UNICODE, sender[1]),
            (P_SENT_REPR_SMTP, PT_UNICODE, sender[1]),
            (P_SENDER_NAME, PT_UNICODE, sender[0]),
            (P_SENDER_ADDRTYPE, PT_UNICODE, "SMTP"),
            (P_SENDER_EMAIL, PT_UNICODE, sender[1]),
            (P_SENDER_SMTP, PT_UNICODE, sender[1]),
            (P_DISPLAY_TO, PT_UNICODE, display_to),
            (P_DISPLAY_CC, PT_UNICODE, display_cc),
            (P_DISPLAY_BCC, PT_UNICODE, display_bcc),
            (P_MESSAGE_FLAGS, PT_LONG, flags),
            (P_MESSAGE_SIZE, PT_LONG, size),
            (P_INTERNET_MESSAGE_ID, PT_UNICODE, msgid),
            (P_INTERNET_CODEPAGE, PT_LONG, 65001),
            (P_BODY, PT_UNICODE, body),
        ]
        if args.unspecified_property:
            # What Aspose.Email writes: a property of type 0 (PT_UNSPECIFIED),
            # which libpff 20180714 refuses ("unsupported value type").
            props.append((0x6701, PT_UNSPECIFIED, 0))
        bid_data, subnodes = write_pc(ndb, props)
        # The recipient table, a subnode of the message.
        rows = [(1, n, a) for n, a in to] + [(2, n, a) for n, a in cc] + [(3, n, a) for n, a in bcc]
        table = Table(ndb, RECIPIENT_COLUMNS, len(rows))
        for row_id, (rtype, name, address) in enumerate(rows):
            table.add(row_id, {P_RECIPIENT_TYPE: rtype, P_RESPONSIBILITY: False,
                               P_OBJECT_TYPE: 6, P_DISPLAY_NAME: name, P_ADDRTYPE: "SMTP",
                               P_EMAIL_ADDRESS: address, P_DISPLAY_TYPE: 0,
                               P_SMTP_ADDRESS: address, P_SEND_RICH_INFO: False})
        rt_data, rt_sub = table.finish()
        # The message's subnodes: its PC's (large values) plus the table.
        bid_sub = ndb.write_subnodes(subnodes + [(NID_RECIPIENT_TABLE, rt_data, rt_sub)])
        ndb.add_node(nid, bid_data, bid_sub, folder_nids[k], stream=True)
        counts[k] += 1
        rec = [nid, submit, flags, size]
        strs = [subject, sender[0], display_cc[:255], display_to[:255]]
        blob = b"".join(struct.pack("<H", len(s.encode("utf-16-le"))) + s.encode("utf-16-le")
                        for s in strs)
        pending[k].write(struct.pack("<IIIIH", *rec, len(blob)) + blob)
        if truth:
            visible = {a.lower() for _, a in to} | {a.lower() for _, a in cc}
            truth.write(json.dumps({"subject": subject, "folder": names[k], "message_id": msgid,
                                    "to": len(to), "cc": len(cc), "bcc": len(bcc),
                                    "visible": len(visible)}) + "\n")
        if not args.quiet and (i + 1) % 10000 == 0:
            print("make_pst: %d messages, %.0f MB, %.0f s" % (
                i + 1, ndb.cursor / 1e6, time.time() - started), file=sys.stderr, flush=True)
    if truth:
        truth.close()

    # The folders, now that their messages are known.
    for k, nid in enumerate(folder_nids):
        bid_data, bid_sub = pc_node(ndb, [
            (P_DISPLAY_NAME, PT_UNICODE, names[k]), (P_CONTENT_COUNT, PT_LONG, counts[k]),
            (P_CONTENT_UNREAD, PT_LONG, 0), (P_SUBFOLDERS, PT_BOOLEAN, False),
            (P_CONTAINER_CLASS, PT_UNICODE, "IPF.Note")])
        ndb.add_node(nid, bid_data, bid_sub, top_nid)
        write_folder_tables(ndb, nid, [], pending[k], counts[k])
        pending[k].close()
    subfolders = [(nid, names[k], counts[k]) for k, nid in enumerate(folder_nids)]
    bid_data, bid_sub = pc_node(ndb, [
        (P_DISPLAY_NAME, PT_UNICODE, "Top of Personal Folders"), (P_CONTENT_COUNT, PT_LONG, 0),
        (P_CONTENT_UNREAD, PT_LONG, 0), (P_SUBFOLDERS, PT_BOOLEAN, True)])
    ndb.add_node(top_nid, bid_data, bid_sub, NID_ROOT_FOLDER)
    write_folder_tables(ndb, top_nid, subfolders, None, 0)
    bid_data, bid_sub = pc_node(ndb, [
        (P_CONTENT_COUNT, PT_LONG, 0), (P_CONTENT_UNREAD, PT_LONG, 0),
        (P_SUBFOLDERS, PT_BOOLEAN, True)])
    ndb.add_node(NID_ROOT_FOLDER, bid_data, bid_sub, NID_ROOT_FOLDER)
    write_folder_tables(ndb, NID_ROOT_FOLDER, [(top_nid, "Top of Personal Folders", 0)], None, 0)

    # The message store and the (empty) name-to-id map.
    wastebasket = folder_nids[names.index("Deleted Items")] if "Deleted Items" in names else top_nid
    bid_data, bid_sub = pc_node(ndb, [
        (P_RECORD_KEY, PT_BINARY, store_uid),
        (P_DISPLAY_NAME, PT_UNICODE, "Personal Folders"),
        (P_IPM_SUBTREE_ENTRYID, PT_BINARY, entry_id(store_uid, top_nid)),
        (P_IPM_WASTEBASKET_ENTRYID, PT_BINARY, entry_id(store_uid, wastebasket))])
    ndb.add_node(NID_MESSAGE_STORE, bid_data, bid_sub, 0)
    # One named property (numeric id 1 in PS_MAPI, mapped to 0x8000; its
    # hash bucket is 0x1000 + (1 ^ (1 << 1)) % 251): libpff wants the streams.
    nameid = struct.pack("<IHH", 1, 1 << 1, 0)
    bid_data, bid_sub = pc_node(ndb, [
        (0x0001, PT_LONG, 251),
        (0x0002, PT_BINARY, bytes.fromhex("0820060000000000c000000000000046")),
        (0x0003, PT_BINARY, nameid),
        (0x0004, PT_BINARY, struct.pack("<I", 2) + "x".encode("utf-16-le") + bytes(2)),
        (0x1003, PT_BINARY, nameid)])
    ndb.add_node(NID_NAME_TO_ID_MAP, bid_data, bid_sub, 0)

    rgnid = [0x400] * 32
    rgnid[NID_TYPE_NORMAL_FOLDER] = top_index + 1 + args.folders
    rgnid[NID_TYPE_NORMAL_MESSAGE] = message_index
    rgnid[NID_TYPE_INTERNAL] = 0x400
    eof = ndb.finish(rgnid)
    if not args.quiet:
        print("make_pst: %s: %d messages in %d folders, %.1f MB, %.0f s" % (
            args.out, args.messages, args.folders, eof / 1e6, time.time() - started),
            file=sys.stderr)


def pc_node(ndb, props):
    bid_data, subnodes = write_pc(ndb, props)
    return bid_data, ndb.write_subnodes(subnodes)


def write_folder_tables(ndb, nid, subfolders, pending, n_messages):
    """The hierarchy (nid + 11), contents (+ 12) and FAI contents (+ 13)
    tables of a folder."""
    index = nid >> 5
    h = Table(ndb, HIERARCHY_COLUMNS, len(subfolders))
    for sub_nid, name, count in sorted(subfolders):
        h.add(sub_nid, {P_DISPLAY_NAME: name, P_CONTENT_COUNT: count, P_CONTENT_UNREAD: 0,
                        P_SUBFOLDERS: False, P_CONTAINER_CLASS: "IPF.Note"})
    bd, bs = h.finish()
    ndb.add_node((index << 5) | NID_TYPE_HIERARCHY_TABLE, bd, bs, 0)
    c = Table(ndb, CONTENTS_COLUMNS, n_messages)
    if pending is not None:
        pending.seek(0)
        for _ in range(n_messages):
            msg_nid, submit, flags, size, n = struct.unpack("<IIIIH", pending.read(18))
            blob = pending.read(n)
            strs, off = [], 0
            while off < len(blob):
                ln = struct.unpack_from("<H", blob, off)[0]
                strs.append(blob[off + 2:off + 2 + ln].decode("utf-16-le"))
                off += 2 + ln
            subject, sender, dcc, dto = strs
            c.add(msg_nid, {P_IMPORTANCE: 1, P_MESSAGE_CLASS: "IPM.Note", P_SUBJECT: subject,
                            P_CLIENT_SUBMIT_TIME: filetime(submit), P_SENT_REPR_NAME: sender,
                            P_DISPLAY_CC: dcc, P_DISPLAY_TO: dto,
                            P_DELIVERY_TIME: filetime(submit + 2), P_MESSAGE_FLAGS: flags,
                            P_MESSAGE_SIZE: size, P_LAST_MODIFICATION_TIME: filetime(submit + 2)})
    bd, bs = c.finish()
    ndb.add_node((index << 5) | NID_TYPE_CONTENTS_TABLE, bd, bs, 0)
    a = Table(ndb, [(P_MESSAGE_CLASS, PT_UNICODE)], 0)
    bd, bs = a.finish()
    ndb.add_node((index << 5) | NID_TYPE_ASSOC_CONTENTS_TABLE, bd, bs, 0)


if __name__ == "__main__":
    main()
