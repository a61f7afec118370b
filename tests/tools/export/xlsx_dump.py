"""Prints every sheet of an XLSX workbook as tab-separated rows, read with zipfile and the XML
parser only, so that the test checks the file the way any spreadsheet reader would see it."""
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def column(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def main(path):
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None, "corrupt member"
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
        workbook = ET.fromstring(book.read("xl/workbook.xml"))
        rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for sheet in workbook.find("m:sheets", NS):
            rid = sheet.get("{%s}id" % NS["r"])
            print("SHEET\t" + sheet.get("name"))
            data = ET.fromstring(book.read("xl/" + targets[rid].lstrip("/").replace("xl/", "")))
            for row in data.iter("{%s}row" % NS["m"]):
                cells = {}
                for c in row.findall("m:c", NS):
                    kind, value = c.get("t"), ""
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
                    elif kind == "s":
                        value = shared[int(c.find("m:v", NS).text)]
                    elif c.find("m:v", NS) is not None:
                        value = c.find("m:v", NS).text
                        if value.endswith(".0"):
                            value = value[:-2]
                    cells[column(c.get("r"))] = value
                width = max(cells) + 1 if cells else 0
                print("\t".join(cells.get(i, "") for i in range(width)))


if __name__ == "__main__":
    main(sys.argv[1])
