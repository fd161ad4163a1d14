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
