// Writes the .msg fixtures in fixtures/outlook/msg/ with @tutao/oxmsg (MIT),
// an Outlook item writer after MsgKit. The files are committed: the tests
// need no network. To write them again:
//   mkdir -p /tmp/oxmsg && (cd /tmp/oxmsg && npm install @tutao/oxmsg (version 0.2.3))
//   NODE_PATH=/tmp/oxmsg/node_modules node tests/outlook/make_msg.mjs
// (each file gets new random entry ids, so the bytes change; the counts in
// fixtures/README.md do not).
import { createRequire } from "node:module";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(process.env.NODE_PATH || ".", "x.js"));
const { Email, Attachment } = require("@tutao/oxmsg");

const out = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/outlook/msg");
mkdirSync(out, { recursive: true });
const when = new Date("2019-03-04T10:15:00Z");

function write(name, email) {
  writeFileSync(join(out, name), email.msg());
}

// A Cc-instead-of-Bcc send: 20 To and 10 Cc rows, 29 distinct (patient 1 is
// in Cc again, in other case), 5 Bcc never counted; a CSV attachment (12
// addresses) and a body naming 3 more.
{
  const e = new Email(false, false)
    .sender("clinic@example.com", "The Clinic")
    .subject("Your appointment results")
    .bodyText("Dear patients,\r\nquestions to nurse.one@example.org or nurse.two@example.org,\r\n"
              + "records@example.org.\r\n")
    .sentOn(when);
  e.internetMessageId = "<wide-cc-1@example.com>";
  for (let i = 1; i <= 20; i++) e.to(`patient${i}@example.net`, `Patient ${i}`);
  for (let i = 21; i <= 29; i++) e.cc(`patient${i}@example.net`, `Patient ${i}`);
  e.cc("Patient1@EXAMPLE.net", "Patient 1 again");
  for (let i = 1; i <= 5; i++) e.bcc(`hidden${i}@example.com`, `Hidden ${i}`);
  const csv = "name,email\r\n" + Array.from({ length: 12 }, (_, i) =>
    `Person ${i},person${i}@example.org`).join("\r\n") + "\r\n";
  e.attach(new Attachment(new TextEncoder().encode(csv), "list.csv"));
  write("wide-cc.msg", e);
}

// Everyone in Bcc: 1 To (the sender), 40 Bcc. Not flagged.
{
  const e = new Email(false, false)
    .sender("news@example.com", "Newsletter")
    .subject("Monthly newsletter")
    .bodyText("Hello.\r\n")
    .sentOn(when);
  e.internetMessageId = "<bcc-1@example.com>";
  e.to("news@example.com", "Newsletter");
  for (let i = 1; i <= 40; i++) e.bcc(`reader${i}@example.net`, `Reader ${i}`);
  write("all-bcc.msg", e);
}

// A reply-all to the wide send, from one patient: 25 To and 1 Cc (26
// distinct), in reply to it.
{
  const e = new Email(false, false)
    .sender("patient7@example.net", "Patient 7")
    .subject("RE: Your appointment results")
    .bodyText("Why can I see everyone?\r\n")
    .sentOn(new Date("2019-03-04T11:00:00Z"));
  e.internetMessageId = "<reply-1@example.net>";
  e.inReplyToId = "<wide-cc-1@example.com>";
  e.to("clinic@example.com", "The Clinic");
  for (let i = 1; i <= 25; i++) if (i !== 7) e.to(`patient${i}@example.net`, `Patient ${i}`);
  e.cc("patient26@example.net", "Patient 26");
  write("reply-all.msg", e);
}

// An OLE compound file that is not an Outlook item (as a Word document is):
// not mail, never a damaged item.
{
  const { CFB } = require("@tutao/oxmsg");
  const doc = CFB.utils.cfb_new();
  CFB.utils.cfb_add(doc, "/WordDocument", new TextEncoder().encode("not an item"));
  writeFileSync(join(out, "not-an-item.doc"), CFB.write(doc, { type: "buffer" }));
}

// A forward: a note whose attachment is the wide send itself, as Outlook
// attaches an item (method 5: the item's storages inside
// "__substg1.0_3701000D", its property stream with a 24-byte header).
// oxmsg writes an attached item as bytes, so the storage is assembled here.
{
  const { CFB } = require("@tutao/oxmsg");
  const wrapper = new Email(false, false)
    .sender("colleague@example.com", "A Colleague")
    .subject("FW: Your appointment results")
    .bodyText("See below.\r\n")
    .sentOn(new Date("2019-03-05T09:00:00Z"));
  wrapper.internetMessageId = "<forward-1@example.com>";
  wrapper.to("manager@example.com", "The Manager");
  wrapper.attach(new Attachment(new Uint8Array([0]), "Your appointment results.msg"));
  const outer = CFB.read(Buffer.from(wrapper.msg()), { type: "buffer" });
  const inner = CFB.read(Buffer.from(require("node:fs").readFileSync(join(out, "wide-cc.msg"))),
                         { type: "buffer" });
  const attach = "__attach_version1.0_#00000000";
  const props = CFB.find(outer, `/${attach}/__properties_version1.0`);
  const bytes = Buffer.from(props.content);
  for (let at = 8; at + 16 <= bytes.length; at += 16) {
    if (bytes.readUInt32LE(at) === 0x37050003) bytes.writeUInt32LE(5, at + 8); // PR_ATTACH_METHOD
  }
  props.content = bytes;
  CFB.utils.cfb_del(outer, `/${attach}/__substg1.0_37010102`);
  const root = inner.FullPaths[0];
  inner.FullPaths.forEach((path, i) => {
    const entry = inner.FileIndex[i];
    if (entry.type !== 2) return; // streams only; storages follow from the paths
    let content = Buffer.from(entry.content);
    const name = path.slice(root.length);
    if (name === "__properties_version1.0") content = content.subarray(8); // 32-byte header to 24
    CFB.utils.cfb_add(outer, `/${attach}/__substg1.0_3701000D/${name}`, content);
  });
  writeFileSync(join(out, "forward.msg"), CFB.write(outer, { type: "buffer" }));
}

// The same send as one recipient's mail program stored it: an .eml with the
// Internet header, the same Message-ID and the same To and Cc. With the
// sender's copy (wide-cc.msg) it is one incident with two copies.
{
  const to = Array.from({ length: 20 }, (_, i) => `"Patient ${i + 1}" <patient${i + 1}@example.net>`);
  const cc = Array.from({ length: 9 }, (_, i) => `"Patient ${i + 21}" <patient${i + 21}@example.net>`);
  cc.push(`"Patient 1 again" <Patient1@EXAMPLE.net>`);
  const eml = [
    "Return-Path: <clinic@example.com>",
    "Received: from mail.example.com by mx.example.net; Mon, 4 Mar 2019 10:15:02 +0000",
    "From: The Clinic <clinic@example.com>",
    "To: " + to.join(",\r\n "),
    "Cc: " + cc.join(",\r\n "),
    "Subject: Your appointment results",
    "Date: Mon, 04 Mar 2019 10:15:00 +0000",
    "Message-ID: <wide-cc-1@example.com>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Dear patients,",
    "",
  ].join("\r\n");
  writeFileSync(join(out, "inbox-copy.eml"), eml);
}
