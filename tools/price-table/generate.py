#!/usr/bin/env python3
"""Builds Genvault's bundled price table from a genai-prices data.json (MIT).

Run by hand when the reference changes:

    python3 tools/price-table/generate.py PATH/TO/genai-prices/data.json [SOURCE_FILE]

It writes core/src/main/resources/dev/genvault/cost/prices.tsv. Prices are kept as decimal
strings exactly as written in the reference (no float rounding). Price keys the calculator cannot
feed from the usage it records are dropped and counted in the table's "dropped" field.
"""
import decimal
import json
import os
import re
import sys

SUPPORTED = [
    "input_mtok", "cache_read_mtok", "cache_write_mtok", "output_mtok",
    "input_audio_mtok", "output_audio_mtok", "input_image_mtok", "output_image_mtok",
    "output_reasoning_mtok", "requests_kcount",
    "cache_write_1h_mtok", "cache_audio_read_mtok", "cache_image_read_mtok",
]
MATCH_KINDS = {"equals", "starts_with", "ends_with", "contains", "regex", "or", "and"}

here = os.path.dirname(os.path.abspath(__file__))
out_path = os.path.join(here, "..", "..", "core", "src", "main", "resources", "dev", "genvault", "cost", "prices.tsv")


def dec(value):
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise ValueError(f"not a number: {value!r}")
    text = format(decimal.Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def match(clause):
    if len(clause) != 1:
        raise ValueError(f"a match clause has one key: {clause}")
    (kind, value), = clause.items()
    if kind not in MATCH_KINDS:
        raise ValueError(f"unknown match kind {kind}")
    if kind in ("or", "and"):
        return {kind: [match(c) for c in value]}
    if kind == "regex":
        re.compile(value)
    return {kind: value}


def rate(value):
    if isinstance(value, dict):
        tiers = sorted(value["tiers"], key=lambda t: t["start"])
        return {"base": dec(value["base"]), "tiers": [{"start": int(t["start"]), "price": dec(t["price"])} for t in tiers]}
    return dec(value)


def prices(raw, dropped):
    result = {}
    for key, value in raw.items():
        if key in SUPPORTED:
            result[key] = rate(value)
        else:
            dropped[key] = dropped.get(key, 0) + 1
    return result


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    version, commit = "unknown", ""
    source_file = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(sys.argv[1]), "SOURCE")
    if os.path.exists(source_file):
        with open(source_file, encoding="utf-8") as f:
            parts = f.read().split()
        commit = parts[0][:12]
        import datetime
        version = datetime.datetime.strptime(" ".join(parts[1:6]), "%a %b %d %H:%M:%S %Y").date().isoformat()
    dropped = {}
    providers = []
    models = 0
    for p in data:
        entry = {"id": p["id"]}
        if p.get("model_match"):
            entry["model_match"] = match(p["model_match"])
        if p.get("provider_match"):
            entry["provider_match"] = match(p["provider_match"])
        entry["models"] = []
        for m in p["models"]:
            raw = m["prices"]
            conditional = [{"prices": raw}] if isinstance(raw, dict) else raw
            periods = []
            for c in conditional:
                period = {}
                constraint = c.get("constraint") or {}
                if "start_date" in constraint:
                    period["start_date"] = str(constraint["start_date"])
                if "start_time" in constraint:
                    period["start_time"] = str(constraint["start_time"])
                    period["end_time"] = str(constraint["end_time"])
                unknown = set(constraint) - {"start_date", "start_time", "end_time"}
                if unknown:
                    raise ValueError(f"unknown constraint {unknown} on {p['id']}/{m['id']}")
                period["prices"] = prices(c["prices"], dropped)
                periods.append(period)
            entry["models"].append({"id": m["id"], "match": match(m["match"]), "prices": periods})
            models += 1
        providers.append(entry)

    write_table(version, commit, dropped, providers)
    print(f"wrote {models} models of {len(providers)} providers, version {version}, to {os.path.relpath(out_path)}")
    print(f"dropped price keys: {dict(sorted(dropped.items()))}")


def clause_tokens(clause):
    """A match clause as tab-separated tokens in prefix order: or N c1 .. cN, and N ..., equals V, ..."""
    (kind, value), = clause.items()
    if kind in ("or", "and"):
        tokens = [kind, str(len(value))]
        for c in value:
            tokens += clause_tokens(c)
        return tokens
    if "\t" in value or "\n" in value:
        raise ValueError(f"a match value holds a tab or newline: {value!r}")
    return [kind, value]


def rate_text(rate):
    if isinstance(rate, dict):
        return ";".join([rate["base"]] + [f"{t['start']}:{t['price']}" for t in rate["tiers"]])
    return rate


def write_table(version, commit, dropped, providers):
    lines = [
        "# Genvault price table. Generated by tools/price-table/generate.py; do not edit by hand.",
        "# Lines are tab-separated. provider ID; model ID then its match clause in prefix form",
        "# (or N ..., and N ..., equals V, starts_with V, ends_with V, contains V, regex V);",
        "# price: a constraint (- | since:DATE | window:FROM/UNTIL) then KEY=RATE, where RATE is",
        "# per million tokens (per thousand requests for requests_kcount), optionally BASE;ABOVE:RATE;...",
        "genvault-prices\t1",
        f"version\t{version}",
        f"source\tgenai-prices {commit} (MIT licence, see prices-LICENSE.txt)",
        "dropped\t" + ",".join(f"{k}={v}" for k, v in sorted(dropped.items())),
    ]
    for p in providers:
        lines.append(f"provider\t{p['id']}")
        if "model_match" in p:
            lines.append("model_match\t" + "\t".join(clause_tokens(p["model_match"])))
        if "provider_match" in p:
            lines.append("provider_match\t" + "\t".join(clause_tokens(p["provider_match"])))
        for m in p["models"]:
            lines.append("model\t" + m["id"] + "\t" + "\t".join(clause_tokens(m["match"])))
            for period in m["prices"]:
                if "start_date" in period:
                    constraint = "since:" + period["start_date"]
                elif "start_time" in period:
                    constraint = "window:" + period["start_time"] + "/" + period["end_time"]
                else:
                    constraint = "-"
                fields = [f"{k}={rate_text(v)}" for k, v in period["prices"].items()]
                lines.append("price\t" + constraint + ("\t" + "\t".join(fields) if fields else ""))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
