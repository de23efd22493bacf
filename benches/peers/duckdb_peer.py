#!/usr/bin/env python3
"""hvpat's job (native layout) in DuckDB SQL: a peer implementation for the
end-to-end benchmark (benches/e2e.sh).

Python is only glue here: it opens an in-memory DuckDB, maps the header names of
the inputs to the native fields, and runs SQL. Every rule (number normalisation
with the check-digit verification, date spellings, validity on `as_of` and one
year before, the five dimensions, duplicate merging, holder splitting, name
folding and the alias table, aggregation) is SQL below.

    duckdb_peer.py --portfolio F --families F --pledges F --awards F \
        --aliases F --concordance F --as-of YYYY-MM-DD --out DIR

Writes DIR/patents.csv (one row per scored patent) and DIR/institutions.csv
(the SPEC's columns, universities only unless --types says otherwise). Rule
semantics: /work/shared/SPEC.md plus hvpat's documented decisions where the
SPEC is silent (see benches/peers/README.md).

SQL style: DuckDB macros are expanded textually, so every macro is applied to
plain columns and derived values are computed once, in stacked SELECTs. Work that
depends on a value, not on a patent (dates, IPC cells, holders cells) is done once per
distinct value and joined back; see "What an expert would write" in README.md.
"""
import argparse
import csv
import os
import sys
import time

import duckdb

# --------------------------------------------------------------------------
# literal tables the SQL uses (glue)

# Full-width ASCII forms U+FF01..U+FF5E and the ideographic space -> half-width.
FW_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
FW_TO = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
# Characters Rust's str::trim() removes (Unicode White_Space).
WS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
     "\u2028\u2029\u202f\u205f\u3000"
WS_CLASS = "[" + "".join("\\x{%x}" % ord(c) for c in WS) + "]"

JURISDICTION_NAMES = [
    ("中国", "CN"), ("美国", "US"), ("日本", "JP"), ("韩国", "KR"), ("欧洲专利局", "EP"), ("欧专局", "EP"),
    ("欧洲", "EP"), ("世界知识产权组织", "WO"), ("德国", "DE"), ("英国", "GB"), ("法国", "FR"),
    ("加拿大", "CA"), ("澳大利亚", "AU"), ("俄罗斯", "RU"), ("印度", "IN"), ("新加坡", "SG"),
    ("巴西", "BR"), ("中国香港", "HK"), ("香港", "HK"), ("中国台湾", "TW"), ("台湾", "TW"),
    ("中国澳门", "MO"), ("澳门", "MO"), ("西班牙", "ES"), ("意大利", "IT"), ("荷兰", "NL"),
    ("瑞士", "CH"), ("瑞典", "SE"), ("以色列", "IL"), ("墨西哥", "MX"), ("南非", "ZA"),
    ("新西兰", "NZ"), ("奥地利", "AT"), ("丹麦", "DK"), ("芬兰", "FI"),
]

NATIVE = ["app_no", "pub_no", "kind", "filing_date", "grant_date", "status", "lapse_date",
          "ipc", "applicants", "holders", "family", "pledge_amount", "awards"]


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def check_sum_sql(d):
    """Weighted digit sum of an 8- or 12-digit string: weights 2..9, 2..5 (SPEC §2)."""
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    head = " + ".join(f"{w[i]}*(ascii(substr({d},{i + 1},1))-48)" for i in range(8))
    tail = " + ".join(f"{w[i]}*(ascii(substr({d},{i + 1},1))-48)" for i in range(8, 12))
    return f"({head} + CASE WHEN length({d}) = 12 THEN {tail} ELSE 0 END)"


def check_digit_int_sql(n):
    """The check digit of a 12-digit application number given as an integer `n` (the same
    weights as check_sum_sql; integer arithmetic instead of 12 substrings)."""
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    total = " + ".join(f"{w[i]} * (({n} // {10 ** (11 - i)}) % 10)" for i in range(12))
    return f"substr('0123456789X', (({total}) % 11)::INT + 1, 1)"


MACROS = r"""
-- full-width forms -> half-width (translate only where there is something to fold)
CREATE MACRO fw(s) AS
  CASE WHEN regexp_matches(s, '[\x{FF01}-\x{FF5E}\x{3000}]') THEN translate(s, @FW_FROM@, @FW_TO@) ELSE s END;
-- Unicode trim, called only when the first or last code point is white space (a cheap
-- test of two characters instead of a regex over the whole cell)
CREATE MACRO tr(s) AS
  CASE WHEN s = '' THEN s WHEN contains(@WS@, s[1]) OR contains(@WS@, s[-1]) THEN trim(s, @WS@) ELSE s END;
CREATE MACRO ws_collapse(s) AS regexp_replace(s, '@WSC@+', ' ', 'g');
-- n calendar years later; 29 February lands on 28 February in a common year
CREATE MACRO add_years(d, n) AS
  CASE WHEN month(d) = 2 AND day(d) = 29
        AND NOT ((year(d) + n) % 4 = 0 AND ((year(d) + n) % 100 <> 0 OR (year(d) + n) % 400 = 0))
       THEN make_date(year(d) + n, 2, 28)
       ELSE make_date(year(d) + n, month(d), day(d)) END;

-- ---------------- dates: 2019-03-05, 2019/3/5, 2019.03.05, 20190305, 2019年3月5日, 3/5/2019
-- (month first), optionally followed by a time. NULL when empty or unreadable.
CREATE MACRO ymd(y, m, d) AS
  CASE WHEN y::INT >= 1000 THEN try(make_date(y::INT, m::INT, d::INT)) END;
CREATE MACRO date_part3(p, l) AS
  CASE
    WHEN regexp_full_match(p, '[0-9]{8}') THEN ymd(p[1:4], p[5:6], p[7:8])
    WHEN len(l) = 3 AND length(l[1]) = 4 THEN
      CASE WHEN regexp_full_match(p, '[0-9]{4}[-/.][0-9]{1,4}[-/.][0-9]{1,4}') THEN ymd(l[1], l[2], l[3]) END
    WHEN len(l) = 3 AND contains(p, '/') AND regexp_full_match(p, '[0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{4}')
      THEN ymd(l[3], l[1], l[2])
  END;
CREATE MACRO date_part(p) AS date_part3(p, regexp_split_to_array(p, '[-/.]'));
-- the date part of a folded, trimmed cell: 年/月 as dashes, 日 dropped, a time cut off
CREATE MACRO date_head(f) AS regexp_extract(replace(replace(replace(f, '年', '-'), '月', '-'), '日', ''), '^[^ T]*');
CREATE MACRO date_slow(s) AS date_part(date_head(tr(fw(s))));
-- `s` is a trimmed cell
CREATE MACRO pdate(s) AS
  CASE WHEN s = '' THEN NULL
       WHEN regexp_full_match(s, '[12][0-9]{3}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(s AS DATE)
       ELSE date_slow(s) END;
-- amounts in 万元 (thousands commas allowed); NULL when unreadable or not finite
CREATE MACRO amount1(t) AS
  CASE WHEN regexp_full_match(t, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')
       THEN TRY_CAST(t AS DOUBLE) END;
CREATE MACRO amount(s) AS
  CASE WHEN isfinite(amount1(replace(s, ',', ''))) THEN amount1(replace(s, ',', '')) END;

-- ---------------- patent numbers (SPEC §2)
CREATE MACRO check_digit(d) AS substr('0123456789X', (@CHECKSUM@ % 11)::INT + 1, 1);
CREATE MACRO is_kind_letter(t) AS t IN ('A', 'B', 'C', 'U', 'Y', 'S', 'D');
CREATE MACRO old_year(d) AS d[1:2] BETWEEN '85' AND '99' OR d[1:2] IN ('00', '01', '02');
-- `u`: the cell folded and upper-cased. A number of another office: two letters other
-- than CN/ZL, then (after separators and at most two serial letters) a digit.
CREATE MACRO foreign_office(u) AS
  regexp_matches(u, '^[A-Z]{2}[ _-]*[A-Z]{0,2}[0-9]') AND u[1:2] NOT IN ('CN', 'ZL');

-- ---------------- IPC codes (SPEC §1 D1): canonical keys `G06N3/08`, `G06N3/00`, `G06N`, `G16`
CREATE MACRO trim_sub(g) AS
  CASE WHEN length(rtrim(g, '0')) >= 2 THEN rtrim(g, '0') ELSE rpad(rtrim(g, '0'), 2, '0') END;
-- `c`: upper-cased, folded, version suffix `(2006.01)` cut, spaces and dashes removed
CREATE MACRO ipc_key(c) AS
  CASE
    WHEN regexp_full_match(c, '[A-H][0-9]{2}[A-Z]?') THEN c
    WHEN regexp_full_match(c, '[A-H][0-9]{2}[A-Z]0*[1-9][0-9]{0,3}/[0-9]{1,6}') AND length(split_part(c[5:], '/', 1)) <= 4
      THEN c[1:4] || ltrim(split_part(c[5:], '/', 1), '0') || '/' || trim_sub(split_part(c, '/', 2))
    WHEN regexp_full_match(c, '[A-H][0-9]{2}[A-Z][0-9]{10}') AND c[5:8] <> '0000'
      THEN c[1:4] || ltrim(c[5:8], '0') || '/' || trim_sub(c[9:14])
  END;
CREATE MACRO ipc_compact(f) AS regexp_replace(split_part(upper(f), '(', 1), '[\s\-]', '', 'g');

-- ---------------- awards (D5): a China Patent Award with its level, or a State S&T Award;
-- `s`: folded, lower case, whitespace runs as one space
CREATE MACRO award_counts2(s, c) AS
  regexp_matches(s, '国家自然科学奖|国家技术发明奖|国家科学技术进步奖|国家科技进步奖|国家最高科学技术奖|state natural science award|state technological invention award|state science and technology progress award|state preeminent science and technology award|state highest science and technology award')
  OR regexp_matches(c, '国家自然科学奖|国家技术发明奖|国家科学技术进步奖|国家科技进步奖|国家最高科学技术奖')
  OR ((contains(c, '中国专利') OR contains(s, 'china patent'))
      AND regexp_matches(s, '金奖|银奖|优秀奖|gold|silver|excellence|excellent')
      AND NOT (contains(c, '外观设计') OR contains(s, 'design')));
CREATE MACRO award_counts1(s) AS award_counts2(s, replace(s, ' ', ''));
CREATE MACRO award_counts(name) AS award_counts1(lower(tr(ws_collapse(fw(name)))));

-- ---------------- institutions (SPEC §4)
CREATE MACRO fold_name(s) AS lower(regexp_replace(fw(s), '[^\p{L}\p{N}]', '', 'g'));
CREATE MACRO has_word(f, words) AS regexp_matches(f, '(^|[^\p{L}\p{N}])(' || words || ')([^\p{L}\p{N}]|$)');
-- `f`: folded, lower case. Precedence: hospital, enterprise, university, institute.
CREATE MACRO type_folded(f) AS
  CASE WHEN contains(f, '医院') OR has_word(f, 'hospital') THEN 'hospital'
       WHEN contains(f, '公司') OR contains(f, '有限')
            OR has_word(f, 'co|ltd|inc|corp|corporation|gmbh|llc|company|limited|ag|sa') THEN 'enterprise'
       WHEN contains(f, '大学') OR contains(replace(f, '科学院', ''), '学院')
            OR has_word(f, 'university|college|univ') THEN 'university'
       WHEN contains(f, '研究院') OR contains(f, '研究所') OR contains(f, '科学院')
            OR has_word(f, 'institute|academy|inst|acad') THEN 'institute'
       ELSE 'other' END;
-- legal status (`s` lower case): dead words win, except a partial invalidation; then in-force words
CREATE MACRO status_class(s) AS
  CASE WHEN s = '' THEN 'unknown'
       WHEN contains(s, '部分无效') THEN 'in_force'
       WHEN regexp_matches(s, '失效|无效|终止|届满|放弃|撤回|驳回|lapsed|expired|revoked|withdrawn|refused|dead|inactive|discontinued|ceased|abandoned|rejected') THEN 'dead'
       WHEN regexp_matches(s, '有效|授权|专利权维持|维持|granted|active|in force|alive|patented') THEN 'in_force'
       ELSE 'other' END;
-- kind label (`s` folded, lower case)
CREATE MACRO kind_label(s) AS
  CASE WHEN s = '' THEN NULL
       WHEN contains(s, '实用新型') OR contains(s, 'utility') THEN 'utility_model'
       WHEN contains(s, '外观') OR contains(s, 'design') THEN 'design'
       WHEN contains(s, '发明') OR contains(s, 'invention') OR s = 'patent' THEN 'invention' END;
CREATE MACRO kind_type_digit(t) AS
  CASE WHEN t IN ('1', '8') THEN 'invention' WHEN t IN ('2', '9') THEN 'utility_model'
       WHEN t = '3' THEN 'design' END;
CREATE MACRO kind_code(k) AS
  CASE WHEN k[1] IN ('A', 'B', 'C') THEN 'invention' WHEN k[1] IN ('U', 'Y') THEN 'utility_model'
       WHEN k[1] IN ('S', 'D') THEN 'design' END;
"""


def num_sql(src, u, f, p, try_app=True):
    """`src` plus the reading of one number cell: `u` is the cell folded and upper-cased,
    `f` folded (for the dot test). Adds <p>_kind ('app' | 'pub' | 'bad'), <p>_id (canonical
    id: CN + digits + '.' + check digit, or office + serial), <p>_check_ok (the written
    check digit verified), <p>_type (type digit), <p>_pubkind (kind code)."""
    app = "true" if try_app else "false"
    return f"""
(SELECT *,
   CASE WHEN {p}_kind = 'app' THEN 'CN' || {p}_app_d || '.' || coalesce({p}_written, {p}_computed)
        WHEN {p}_kind = 'pub' THEN (CASE WHEN {p}_pre = '' THEN 'CN' ELSE {p}_pre END) || {p}_dig END AS {p}_id,
   CASE WHEN {p}_kind = 'app' THEN coalesce({p}_written, {p}_computed) = {p}_computed END AS {p}_check_ok,
   CASE WHEN {p}_kind = 'pub' THEN {p}_tail END AS {p}_pubkind
 FROM (SELECT *,
   CASE WHEN {p}_app_d IS NOT NULL THEN
          CASE WHEN {p}_type IN ('1', '2', '3', '8', '9') THEN 'app' ELSE 'bad' END
        WHEN {p}_pre = 'ZL' OR {p}_dotted OR {p}_dig = '' THEN 'bad'
        WHEN NOT ({p}_tail = '' OR regexp_full_match({p}_tail, '[A-Z][0-9]?')) THEN 'bad'
        WHEN {p}_pre IN ('', 'CN') AND length({p}_dig) NOT BETWEEN 7 AND 9 THEN 'bad'
        ELSE 'pub' END AS {p}_kind
 FROM (SELECT *,
   CASE WHEN {p}_app_d IS NOT NULL THEN check_digit({p}_app_d) END AS {p}_computed,
   CASE WHEN {p}_app_d IS NOT NULL THEN substr({p}_app_d, CASE WHEN length({p}_app_d) = 12 THEN 5 ELSE 3 END, 1)
   END AS {p}_type
 FROM (SELECT *,
   CASE WHEN NOT {app} OR {p}_pre NOT IN ('', 'CN', 'ZL') THEN NULL
        WHEN length({p}_dig) = 13 AND {p}_tail = '' THEN {p}_dig[1:12]
        WHEN length({p}_dig) = 12 AND ({p}_tail = 'X' OR ({p}_tail = '' AND NOT {p}_dotted)
                                       OR is_kind_letter({p}_tail)) THEN {p}_dig
        WHEN length({p}_dig) = 9 AND {p}_tail = ''
             AND (old_year({p}_dig) OR ({p}_dig[1:2] = '03' AND {p}_dotted)) THEN {p}_dig[1:8]
        WHEN length({p}_dig) = 8 AND (old_year({p}_dig) OR {p}_dig[1:2] = '03')
             AND ({p}_tail = 'X' OR ({p}_tail = '' AND NOT {p}_dotted) OR is_kind_letter({p}_tail)) THEN {p}_dig
   END AS {p}_app_d,
   CASE WHEN length({p}_dig) = 13 AND {p}_tail = '' THEN {p}_dig[13]
        WHEN length({p}_dig) = 9 AND {p}_tail = '' THEN {p}_dig[9]
        WHEN {p}_tail = 'X' THEN 'X' END AS {p}_written
 FROM (SELECT *, {p}_rest[length({p}_dig) + 1:] AS {p}_tail
 FROM (SELECT *, regexp_extract({p}_rest, '^[0-9]*') AS {p}_dig
 FROM (SELECT *,
   CASE WHEN regexp_matches({p}_s, '^[A-Z]{{2}}') THEN {p}_s[1:2] ELSE '' END AS {p}_pre,
   CASE WHEN regexp_matches({p}_s, '^[A-Z]{{2}}') THEN {p}_s[3:] ELSE {p}_s END AS {p}_rest
 FROM (SELECT *,
   -- compact: no spaces, dots, dashes, slashes, underscores, commas
   regexp_replace({u}, '[ \\t\\-/_,.。]', '', 'g') AS {p}_s,
   -- a dot before one final digit (or X) marks an application number's check digit
   regexp_matches(replace({f}, '。', '.'), '[.][0-9Xx]$') AS {p}_dotted
 FROM {src}))))))))"""


def header(path):
    """The delimiter (the most frequent of , TAB ;) and the column names of the header line."""
    with open(path, "rb") as f:
        first = f.readline().decode("utf-8", "replace").rstrip("\r\n")
    delim = max([",", "\t", ";"], key=first.count)
    return delim, next(csv.reader([first], delimiter=delim, quotechar='"'))


def load_csv(con, path, table, wanted, required):
    """Read a CSV into `table`: the columns named in `wanted` (found by header name,
    case-insensitive), each trimmed, '' when empty or absent; `rn` keeps row order.
    The reader is told the dialect and the columns (no sniffing, no type detection); every
    column is VARCHAR because the rules read its spellings (dates in six forms, amounts with
    thousands commas, numbers with full-width digits), which a typed DATE/DOUBLE column
    would reject or alter."""
    delim, names = header(path)
    cols = [f"c{i}" for i in range(len(names))]      # the header names only pick the columns
    spec = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in cols) + "}"
    src = (f"read_csv({lit(path)}, header = true, auto_detect = false, columns = {spec}, "
           f"delim = {lit(delim)}, quote = '\"', escape = '\"', null_padding = true, strict_mode = false)")
    by_name = {}
    for n, c in zip(names, cols):
        by_name.setdefault(n.strip().lstrip("\ufeff").lower(), c)
    sel = []
    for w in wanted:
        if w in by_name:
            sel.append(f"""tr(coalesce("{by_name[w]}", '')) AS {w}""")
        elif w in required:
            sys.exit(f"{path}: missing column {w!r} (found: {', '.join(names)})")
        else:
            sel.append(f"'' AS {w}")
    # file order is kept (preserve_insertion_order), so the storage row id is the row number:
    # no row_number() window over the scan
    con.execute(f"CREATE TABLE {table}_cells AS SELECT {', '.join(sel)} FROM {src}")
    con.execute(f"CREATE VIEW {table} AS SELECT rowid AS rn, * FROM {table}_cells")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portfolio", required=True)
    ap.add_argument("--families")
    ap.add_argument("--pledges")
    ap.add_argument("--awards")
    ap.add_argument("--aliases", action="append", default=[],
                    help="alias,institution,type[,parent] table (repeatable; later rows and files win)")
    ap.add_argument("--concordance", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--types", default="university", help="institution types to report, comma-separated, or 'all'")
    ap.add_argument("--pledge-threshold", type=float, default=1000.0, help="D4 threshold, 万元")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: DuckDB's default)")
    a = ap.parse_args(argv)
    t0 = time.time()

    con = duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    con.execute("SET preserve_insertion_order = true")
    macros = (MACROS.replace("@FW_FROM@", lit(FW_FROM)).replace("@FW_TO@", lit(FW_TO))
              .replace("@WSC@", WS_CLASS).replace("@WS@", lit(WS)).replace("@CHECKSUM@", check_sum_sql("d")))
    for stmt in macros.split(";\n"):
        if stmt.strip():
            con.execute(stmt)
    as_of = con.execute("SELECT pdate(tr(?))", [a.as_of]).fetchone()[0]
    if as_of is None:
        sys.exit(f"bad --as-of {a.as_of!r}")
    AS_OF = f"DATE '{as_of.isoformat()}'"
    PREV = f"add_years({AS_OF}, -1)"          # 29 February steps back to 28 February
    THRESH = repr(float(a.pledge_threshold))
    EPS = f"(1e-9 * greatest(abs({THRESH}), 1.0))"

    # ---------------------------------------------------------------- inputs
    load_csv(con, a.portfolio, "raw", NATIVE, ["app_no", "pub_no"])
    for path, table, cols, req in [
        (a.families, "fam_raw", ["patent", "member"], ["patent", "member"]),
        (a.pledges, "pl_raw", ["contract_id", "patent", "amount_wan", "registered_on"],
         ["contract_id", "patent", "amount_wan"]),
        (a.awards, "aw_raw", ["patent", "award", "level", "date"], ["patent", "award"]),
    ]:
        if path and os.path.exists(path):
            load_csv(con, path, table, cols, req)
        else:
            con.execute(f"CREATE TABLE {table} AS SELECT 0::BIGINT AS rn, " +
                        ", ".join(f"''::VARCHAR AS {c}" for c in cols) + " WHERE false")
    load_csv(con, a.concordance, "conc_raw", ["ipc", "sei_code"], ["ipc", "sei_code"])
    alias_union = []
    for i, path in enumerate(a.aliases):
        load_csv(con, path, f"alias_raw{i}", ["alias", "institution", "type"], ["alias", "institution"])
        alias_union.append(f"SELECT {i} AS f, * FROM alias_raw{i}")
    if not alias_union:
        alias_union.append("SELECT 0 AS f, 0::BIGINT AS rn, '' AS alias, '' AS institution, '' AS type WHERE false")
    con.execute("CREATE TABLE jur_names AS SELECT * FROM (VALUES " +
                ", ".join(f"({lit(n)}, {lit(c)})" for n, c in JURISDICTION_NAMES) + ") t(name, code)")

    # ---------------------------------------------------------------- portfolio rows
    # Each row: a CN patent (with its canonical id), out of scope, or a reject.
    # Two paths, one result: rows whose numbers are written the canonical way (application
    # number `201510000001.5`, publication `CN100000000A` or none) are read with a few
    # substrings; every other row goes through the general reader (num_sql). On canonical
    # input the general reader gives exactly these values (no prefix, no separators, no
    # full-width forms: application digits = the first 12, written check digit = the 14th
    # character; publication = CN + digits, kind code = the rest).
    canonical = ("regexp_full_match(app_no, '[0-9]{12}[.][0-9X]') "
                 "AND (pub_no = '' OR regexp_full_match(pub_no, 'CN[0-9]{7,9}[A-Z][0-9]?'))")
    cells = ("rn, app_no, pub_no, filing_date, grant_date, status, lapse_date, ipc, applicants, holders, "
             "family, pledge_amount, awards, kind_l")
    num_cols = "app_u, pub_u, a_kind, a_id, a_check_ok, a_type, p_kind, p_id, p_pubkind"
    folded = ("(SELECT *, upper(app_f) AS app_u, upper(pub_f) AS pub_u FROM (SELECT *, fw(app_no) AS app_f, "
              f"fw(pub_no) AS pub_f, lower(fw(kind)) AS kind_l FROM raw WHERE NOT ({canonical})))")
    general = num_sql(num_sql(folded, "app_u", "app_f", "a", True), "pub_u", "pub_f", "p", False)
    parsed = f"""(
      SELECT {cells}, {num_cols} FROM {general}
      UNION ALL
      SELECT {cells}, app_no AS app_u, pub_no AS pub_u,
        CASE WHEN a_type IN ('1', '2', '3', '8', '9') THEN 'app' ELSE 'bad' END AS a_kind,
        CASE WHEN a_type IN ('1', '2', '3', '8', '9') THEN 'CN' || a_app_d || '.' || a_written END AS a_id,
        CASE WHEN a_type IN ('1', '2', '3', '8', '9') THEN a_written = {check_digit_int_sql("a_app_d::BIGINT")}
        END AS a_check_ok,
        a_type,
        CASE WHEN pub_no = '' THEN 'bad' ELSE 'pub' END AS p_kind,
        CASE WHEN pub_no <> '' THEN regexp_extract(pub_no, '^CN[0-9]+') END AS p_id,
        CASE WHEN pub_no <> '' THEN regexp_extract(pub_no, '[A-Z][0-9]?$') END AS p_pubkind
      FROM (SELECT *, app_no[1:12] AS a_app_d, app_no[14] AS a_written, app_no[5] AS a_type,
                   lower(fw(kind)) AS kind_l
            FROM raw WHERE {canonical}))"""
    # entries of the awards cell, `name(2019)`, split once (used for the rejects and for D5)
    con.execute("""
    CREATE TABLE aw_cell AS
    SELECT rn, fe, regexp_extract(fe, '^(.*)\\(([^(]*)\\)$', 1) AS head,
           tr(regexp_extract(fe, '^(.*)\\(([^(]*)\\)$', 2)) AS inr
    FROM (SELECT rn, tr(fw(u.e)) AS fe
          FROM raw, unnest(regexp_split_to_array(awards, '[;；]')) AS u(e) WHERE awards <> '')
    WHERE fe <> ''
    """)
    # Dates: every distinct spelling (portfolio dates, pledge and award dates, award-cell
    # dates) parsed once into a dictionary, joined back by value: a few thousand spellings
    # instead of millions of cells. Each step is a column of a stacked SELECT, so no macro
    # argument is expanded twice. `d`: a date (`s` is a trimmed cell); `ad`: an award date,
    # where a bare year (optionally followed by 年) is 31 December of that year.
    iso = "'[12][0-9]{3}-[0-9]{2}-[0-9]{2}'"
    con.execute(f"""
    CREATE TABLE dates AS
    SELECT s,
      CASE WHEN s = '' THEN NULL WHEN regexp_full_match(s, {iso}) THEN TRY_CAST(s AS DATE)
           ELSE date_part3(p, l) END AS d,
      CASE WHEN regexp_full_match(a, '[0-9]{{4}}') THEN ymd(a, 12, 31)
           WHEN a = '' THEN NULL WHEN regexp_full_match(a, {iso}) THEN TRY_CAST(a AS DATE)
           ELSE date_part3(pa, la) END AS ad
    FROM (SELECT *, regexp_split_to_array(p, '[-/.]') AS l, regexp_split_to_array(pa, '[-/.]') AS la
    FROM (SELECT *, date_head(t) AS p, date_head(ta) AS pa
    FROM (SELECT *, tr(fw(a)) AS ta
    FROM (SELECT *, rtrim(t, '年') AS a
    FROM (SELECT s, tr(fw(s)) AS t
    FROM (SELECT filing_date AS s FROM raw UNION SELECT grant_date FROM raw UNION SELECT lapse_date FROM raw
          UNION SELECT registered_on FROM pl_raw UNION SELECT date FROM aw_raw UNION SELECT inr FROM aw_cell))))))
    """)
    con.execute(f"""
    CREATE TABLE rows AS
    WITH aw_bad AS (       -- an award-cell entry with an unreadable date rejects the row
      SELECT rn, bool_or(regexp_matches(inr, '^[0-9]') AND dt.ad IS NULL) AS bad
      FROM aw_cell LEFT JOIN dates dt ON dt.s = aw_cell.inr GROUP BY rn
    )
    SELECT x.* EXCLUDE (app_no, pub_no, app_u, pub_u, p_kind, grant_date, lapse_date, pledge_amount, awards),
      CASE
        WHEN app_no = '' AND pub_no = '' THEN 'reject'
        WHEN foreign_office(app_u) OR foreign_office(pub_u) THEN 'out_of_scope'
        WHEN app_no <> '' AND a_kind <> 'app' THEN 'reject'
        WHEN app_no = '' AND p_kind = 'bad' THEN 'reject'
        WHEN NOT starts_with(pid, 'CN') THEN 'out_of_scope'
        WHEN filing IS NULL THEN 'reject'
        WHEN grant_date <> '' AND grant_d IS NULL THEN 'reject'
        WHEN lapse_date <> '' AND lapse_d IS NULL THEN 'reject'
        WHEN pledge_amount <> '' AND (pledge_v IS NULL OR pledge_v < 0) THEN 'reject'
        WHEN coalesce(aw_bad.bad, false) THEN 'reject'
        ELSE 'patent' END AS outcome
    FROM (SELECT rn, app_no, pub_no, status, ipc, applicants, holders, family, awards,
            grant_date, lapse_date, pledge_amount, app_u, pub_u, a_kind, p_kind, a_check_ok,
            CASE WHEN a_kind = 'app' THEN a_id WHEN app_no = '' AND p_kind = 'pub' THEN p_id END AS pid,
            df.d AS filing, dg.d AS grant_d, dl.d AS lapse_d,
            amount(pledge_amount) AS pledge_v,
            CASE WHEN p_kind = 'pub' THEN p_id || p_pubkind END AS pub_fmt,
            coalesce(kind_label(kind_l),
                     CASE WHEN a_kind = 'app' THEN kind_type_digit(a_type) END,
                     CASE WHEN p_kind = 'pub' THEN kind_code(p_pubkind) END) AS kind_v,
            regexp_matches(holders, '[^;；|｜\\s]') AS h_names,
            regexp_matches(applicants, '[^;；|｜\\s]') AS a_names
          FROM {parsed} p
          LEFT JOIN dates df ON df.s = p.filing_date
          LEFT JOIN dates dg ON dg.s = p.grant_date
          LEFT JOIN dates dl ON dl.s = p.lapse_date) x
    LEFT JOIN aw_bad USING (rn)
    """)

    con.execute("DROP VIEW raw")
    con.execute("DROP TABLE raw_cells")
    # every later step orders by `rn` or ORDER BY explicitly: let the engine drop insertion order
    con.execute("SET preserve_insertion_order = false")

    # ---------------------------------------------------------------- rows of one patent merged
    # first value written (row order); a granted B/C publication over an A one; the status
    # that comes with the first grant date; one row's holders kept whole, explicit holders
    # over another row's applicants fallback; the attributed pledge amount taken once (max).
    # Only ids written on more than one row go through the merging aggregate; a single row
    # is its own merge (the same values as the aggregate over one row, without the hash
    # aggregate of ten arg_min over every patent).
    con.execute(f"""
    CREATE TABLE patents AS
    WITH g AS (
      SELECT pid, rn, kind_v, filing, grant_d, status, lapse_d, pub_fmt, holders, applicants, h_names,
             a_names, pledge_v, ipc
      FROM rows WHERE outcome = 'patent'
    ), dup AS (
      SELECT pid FROM g GROUP BY pid HAVING count(*) > 1
    )
    SELECT * EXCLUDE (status_l), status_class(status_l) AS st,
           add_years(filing, 10) AS filing10, add_years(filing, 20) AS filing20
    FROM (SELECT *, lower(status) AS status_l FROM (
      SELECT pid AS id, kind_v AS kind, filing, grant_d, status, lapse_d, pub_fmt AS pub_no,
        coalesce(CASE WHEN h_names THEN holders END,
                 CASE WHEN holders = '' AND a_names THEN applicants END) AS holders,
        pledge_v AS pledge_cell, ipc
      FROM g ANTI JOIN dup USING (pid)
      UNION ALL
      SELECT pid AS id,
        arg_min(kind_v, rn) FILTER (WHERE kind_v IS NOT NULL) AS kind,
        arg_min(filing, rn) AS filing,
        arg_min(grant_d, rn) FILTER (WHERE grant_d IS NOT NULL) AS grant_d,
        coalesce(nullif(arg_min(status, rn) FILTER (WHERE grant_d IS NOT NULL), ''),
                 arg_min(status, rn) FILTER (WHERE status <> ''), '') AS status,
        arg_min(lapse_d, rn) FILTER (WHERE lapse_d IS NOT NULL) AS lapse_d,
        coalesce(arg_min(pub_fmt, rn) FILTER (WHERE pub_fmt LIKE '%B' OR pub_fmt LIKE '%C'),
                 arg_min(pub_fmt, rn) FILTER (WHERE pub_fmt IS NOT NULL)) AS pub_no,
        coalesce(arg_min(holders, rn) FILTER (WHERE h_names),
                 arg_min(applicants, rn) FILTER (WHERE holders = '' AND a_names)) AS holders,
        max(pledge_v) AS pledge_cell,
        string_agg(ipc, ';') AS ipc   -- the union of the rows' codes (';' is a separator)
      FROM g SEMI JOIN dup USING (pid) GROUP BY pid))
    """)
    con.execute("""CREATE TABLE outcomes AS
      SELECT count(*) AS n, count(*) FILTER (WHERE outcome = 'patent') AS patent_rows,
             count(*) FILTER (WHERE outcome = 'out_of_scope') AS out_of_scope,
             count(*) FILTER (WHERE outcome = 'reject') AS rejected,
             count(*) FILTER (WHERE outcome = 'patent' AND a_kind = 'app' AND NOT a_check_ok) AS wrong_check
      FROM rows""")
    # the side tables' patent cells read once
    for table in ("fam_raw", "pl_raw", "aw_raw"):
        src = f"(SELECT *, upper(fw(patent)) AS ref_u, fw(patent) AS ref_f FROM {table})"
        con.execute(f"CREATE TABLE {table}_n AS SELECT * FROM {num_sql(src, 'ref_u', 'ref_f', 'r')}")
    # publication (no kind code) -> patent, for side tables that name publications; the
    # portfolio's publication numbers are read only when some side row names a publication
    names_pub = con.execute(" UNION ALL ".join(
        f"(SELECT 1 FROM {t}_n WHERE r_kind = 'pub' LIMIT 1)" for t in ("fam_raw", "pl_raw", "aw_raw"))).fetchall()
    con.execute(f"""
    CREATE TABLE pubmap AS
    SELECT q_id AS pub_id, arg_min(pid, rn) AS id
    FROM {num_sql("(SELECT rn, pid, pub_fmt FROM rows WHERE outcome = 'patent' AND pub_fmt IS NOT NULL"
                  + ("" if names_pub else " AND false") + ")", "pub_fmt", "pub_fmt", "q")}
    WHERE q_kind <> 'bad' GROUP BY q_id
    """)

    def resolve(table):
        """A side table with `ref`: the patent its `patent` cell names (NULL: unreadable)."""
        return f"""(SELECT s.*, CASE WHEN r_kind = 'app' THEN r_id
                                    WHEN r_kind = 'pub' THEN coalesce(pm.id, r_id) END AS ref
                    FROM {table}_n s
                    LEFT JOIN pubmap pm ON s.r_kind = 'pub' AND pm.pub_id = s.r_id)"""

    # ---------------------------------------------------------------- D1: IPC codes -> SEI
    # codes are parsed once per distinct spelling; an entry matches the code itself, its main
    # group, its subclass or its class
    con.execute("""
    CREATE TABLE conc AS
    SELECT DISTINCT key, sei_code, TRY_CAST(split_part(sei_code, '.', 1) AS INT) AS industry
    FROM (SELECT ipc_key(ipc_compact(f)) AS key, sei_code FROM (SELECT fw(ipc) AS f, sei_code FROM conc_raw))
    """)
    bad = con.execute("""SELECT count(*) FROM (SELECT ipc_key(ipc_compact(f)) AS key
                         FROM (SELECT fw(ipc) AS f FROM conc_raw)) WHERE key IS NULL""").fetchone()[0]
    if bad:
        sys.exit(f"{a.concordance}: {bad} rows with an unreadable IPC code")
    con.execute("""
    CREATE TABLE cell_sei AS
    WITH codes AS (     -- per distinct IPC cell (a merged patent's cells joined by ';')
      SELECT DISTINCT cell, c
      FROM (SELECT cell, tr(u.c) AS c
            FROM (SELECT DISTINCT ipc AS cell FROM patents WHERE ipc <> ''),
                 unnest(regexp_split_to_array(cell, '[;；|,，]')) AS u(c))
      WHERE c <> ''
    ), spellings AS (
      SELECT c, ipc_key(ipc_compact(f)) AS key FROM (SELECT c, fw(c) AS f FROM (SELECT DISTINCT c FROM codes))
    ), levels AS (
      SELECT c, unnest(CASE WHEN contains(key, '/') THEN
               [key, CASE WHEN split_part(key, '/', 2) <> '00' THEN split_part(key, '/', 1) || '/00' END,
                key[1:4], key[1:3]]
             ELSE [key, CASE WHEN length(key) = 4 THEN key[1:3] END] END) AS k
      FROM spellings WHERE key IS NOT NULL
    ), code_sei AS (
      SELECT DISTINCT c, sei_code, industry FROM levels JOIN conc ON conc.key = levels.k
    )
    SELECT cell, list_sort(list(DISTINCT sei_code)) AS sei_codes,
      bool_or(industry = 1) AS s1, bool_or(industry = 2) AS s2, bool_or(industry = 3) AS s3,
      bool_or(industry = 4) AS s4, bool_or(industry = 5) AS s5, bool_or(industry = 6) AS s6,
      bool_or(industry = 7) AS s7, bool_or(industry = 8) AS s8, bool_or(industry = 9) AS s9
    FROM codes JOIN code_sei USING (c)
    GROUP BY cell
    """)

    # ---------------------------------------------------------------- D2: family members
    # a member: a jurisdiction name (中国香港…), a bare office code, or office + serial + kind
    # code; counts when outside CN and WO and granted (B, C, E) or of unknown kind
    con.execute(f"""
    CREATE TABLE pat_fam AS
    WITH members AS (
      SELECT pid AS id, m
      FROM (SELECT pid, tr(u.m) AS m
            FROM rows, unnest(regexp_split_to_array(family, '[;；|,，]')) AS u(m)
            WHERE outcome = 'patent' AND family <> '')
      WHERE m <> ''
      UNION ALL
      SELECT ref, member FROM {resolve("fam_raw")} WHERE ref IS NOT NULL
    ), c AS (
      SELECT id, jn.code AS named, upper(regexp_replace(fw(m), '[\\s\\-./,]', '', 'g')) AS s
      FROM members LEFT JOIN jur_names jn ON jn.name = members.m
    ), p AS (
      SELECT id, named, s, s[3:] AS rest, regexp_replace(s[3:], '^[A-Z]{{0,2}}', '') AS body FROM c
    ), parsed AS (
      SELECT id, coalesce(named, s[1:2]) AS jur,
        CASE WHEN named IS NULL AND rest <> '' AND regexp_matches(body, '[A-Z]')
             THEN regexp_extract(body, '([A-Z].?)$', 1) END AS kind
      FROM p
      WHERE named IS NOT NULL
         OR (regexp_matches(s, '^[A-Z]{{2}}')
             AND (rest = ''
                  OR (regexp_full_match(rest, '[A-Z]{{0,2}}[0-9][\\x00-\\x7F]*')
                      AND (NOT regexp_matches(body, '[A-Z]') OR regexp_full_match(body, '[0-9]+[A-Z][^A-Z]?')))))
    )
    SELECT id, bool_or(jur NOT IN ('CN', 'WO') AND (kind IS NULL OR kind[1] IN ('B', 'C', 'E'))) AS d2
    FROM parsed GROUP BY id
    """)

    # ---------------------------------------------------------------- D4: pledges
    # usable rows only; a contract's amount from its first row, its date from the first row
    # that has one; the amount shared equally over the distinct patents it names (in the
    # portfolio or not); registered on or before the date (undated: always)
    con.execute(f"""
    CREATE TABLE pat_pledge AS
    WITH p AS (
      SELECT rn, contract_id AS cid, ref, amount(amount_wan) AS amt, registered_on, dt.d AS reg
      FROM {resolve("pl_raw")} r LEFT JOIN dates dt ON dt.s = r.registered_on
    ), ok AS (
      SELECT * FROM p
      WHERE cid <> '' AND ref IS NOT NULL AND amt IS NOT NULL AND amt >= 0
        AND (registered_on = '' OR reg IS NOT NULL)
    ), contracts AS (
      SELECT cid, arg_min(amt, rn) AS amt, arg_min(reg, rn) FILTER (WHERE reg IS NOT NULL) AS reg,
             count(DISTINCT ref) AS n
      FROM ok GROUP BY cid
    ), shares AS (
      SELECT DISTINCT ok.cid, ok.ref AS id, c.amt / c.n AS share, c.reg FROM ok JOIN contracts c USING (cid)
    )
    SELECT id, sum(share) FILTER (WHERE reg IS NULL OR reg <= {AS_OF}) AS now,
               sum(share) FILTER (WHERE reg IS NULL OR reg <= {PREV}) AS prev
    FROM shares GROUP BY id
    """)

    # ---------------------------------------------------------------- D5: awards
    con.execute(f"""
    CREATE TABLE pat_award AS
    WITH cell AS (
      SELECT r.pid AS id,
             CASE WHEN regexp_matches(c.inr, '^[0-9]') THEN tr(c.head) ELSE c.fe END AS name,
             CASE WHEN regexp_matches(c.inr, '^[0-9]') THEN dt.ad END AS adate
      FROM aw_cell c JOIN rows r ON r.rn = c.rn AND r.outcome = 'patent'
      LEFT JOIN dates dt ON dt.s = c.inr
    ), side AS (
      SELECT ref AS id, CASE WHEN level = '' THEN award ELSE award || ' ' || level END AS name,
             dt.ad AS adate
      FROM {resolve("aw_raw")} r LEFT JOIN dates dt ON dt.s = r.date
      WHERE ref IS NOT NULL AND award <> '' AND (date = '' OR dt.ad IS NOT NULL)
    )
    SELECT id,
      bool_or(counts AND (adate IS NULL OR adate <= {AS_OF})) AS now,
      bool_or(counts AND (adate IS NULL OR adate <= {PREV})) AS prev
    FROM (SELECT id, adate, award_counts(name) AS counts
          FROM (SELECT * FROM cell UNION ALL SELECT * FROM side)) GROUP BY id
    """)

    con.execute("DROP TABLE rows")   # the counts below come from `outcomes`

    # ---------------------------------------------------------------- verdicts at both dates
    def valid(d):
        return f"""(coalesce(kind = 'invention', false)
          AND (CASE WHEN grant_d IS NOT NULL THEN grant_d <= {d} ELSE st = 'in_force' END)
          AND NOT (CASE WHEN lapse_d IS NOT NULL THEN lapse_d <= {d} ELSE st = 'dead' END)
          AND {d} < filing20)"""

    con.execute(f"""
    CREATE TABLE scored AS
    SELECT *, eligible AND (d1 OR d2 OR d3 OR d4 OR d5) AS high_value,
              eligible_prev AND (d1 OR d2 OR d3_prev OR d4_prev OR d5_prev) AS high_value_prev
    FROM (SELECT *, eligible AND {AS_OF} > filing10 AS d3, eligible_prev AND {PREV} > filing10 AS d3_prev
    FROM (
      SELECT p.id, p.kind, p.holders, p.filing10,
        {valid(AS_OF)} AS eligible,
        {valid(PREV)} AS eligible_prev,
        s.cell IS NOT NULL AS d1,
        coalesce(f.d2, false) AS d2,
        coalesce(p.pledge_cell, 0) + coalesce(pl.now, 0) + {EPS} >= {THRESH} AS d4,
        coalesce(p.pledge_cell, 0) + coalesce(pl.prev, 0) + {EPS} >= {THRESH} AS d4_prev,
        coalesce(aw.now, false) AS d5,
        coalesce(aw.prev, false) AS d5_prev,
        coalesce(s.sei_codes, []) AS sei_codes,
        coalesce(s.s1, false) AS s1, coalesce(s.s2, false) AS s2, coalesce(s.s3, false) AS s3,
        coalesce(s.s4, false) AS s4, coalesce(s.s5, false) AS s5, coalesce(s.s6, false) AS s6,
        coalesce(s.s7, false) AS s7, coalesce(s.s8, false) AS s8, coalesce(s.s9, false) AS s9
      FROM patents p
      LEFT JOIN cell_sei s ON s.cell = p.ipc
      LEFT JOIN pat_fam f ON f.id = p.id
      LEFT JOIN pat_pledge pl ON pl.id = p.id
      LEFT JOIN pat_award aw ON aw.id = p.id))
    """)

    # ---------------------------------------------------------------- institutions
    # alias table: the institution's own name and the alias, folded (width, case, spaces,
    # punctuation); a later row or file wins. Unknown names keep their spelling (whitespace
    # runs collapsed) and are typed by their words.
    con.execute(f"""
    CREATE TABLE aliases AS
    WITH a AS (
      SELECT f, rn, institution AS name,
             coalesce(nullif(lower(type), ''), type_folded(lower(fw(institution)))) AS type, alias
      FROM ({' UNION ALL '.join(alias_union)}) WHERE alias <> '' AND institution <> ''
    ), k AS (
      SELECT fold_name(name) AS key, f, rn, 0 AS o, name, type FROM a
      UNION ALL
      SELECT fold_name(alias), f, rn, 1, name, type FROM a
    )
    SELECT key, arg_max(name, (f, rn, o)) AS name, arg_max(type, (f, rn, o)) AS type FROM k GROUP BY key
    """)
    con.execute("""
    CREATE TABLE cell_inst AS
    WITH h AS (        -- per distinct holders cell: the names, split and trimmed
      SELECT cell, h
      FROM (SELECT cell, tr(u.h) AS h
            FROM (SELECT DISTINCT holders AS cell FROM scored WHERE holders IS NOT NULL),
                 unnest(regexp_split_to_array(cell, '[;；|｜]')) AS u(h))
      WHERE h <> ''
    ), names AS (      -- each distinct spelling resolved once (one step per column)
      SELECT h, coalesce(a.name, n) AS institution, coalesce(a.type, type_folded(fl)) AS type
      FROM (SELECT *, lower(fw(n)) AS fl
      FROM (SELECT h, ws_collapse(tr(n)) AS n, fold_name(n) AS key
      FROM (SELECT h,   -- a Lens-style acquisition date `NAME (2007-09-26)` dropped
              CASE WHEN h LIKE '%)' AND pdate(inr) IS NOT NULL THEN tr(head) ELSE h END AS n
      FROM (SELECT h, regexp_extract(h, '^(.*)\\(([^(]*)\\)$', 1) AS head,
                   tr(regexp_extract(h, '^(.*)\\(([^(]*)\\)$', 2)) AS inr
            FROM (SELECT DISTINCT h FROM h))))) x
      LEFT JOIN aliases a ON a.key = x.key
    )
    SELECT DISTINCT cell, institution, type FROM h JOIN names USING (h)
    """)

    types = None if a.types == "all" else [t.strip() for t in a.types.split(",") if t.strip()]
    type_filter = "" if types is None else "WHERE h.type IN (" + ", ".join(lit(t) for t in types) + ")"

    def cnt(e):
        return f"count(*) FILTER (WHERE {e})"

    # A patent's institutions depend on its holders cell only, so the counts are taken per
    # cell first (one aggregate over the patents, a few hundred thousand cells) and then
    # summed over the cell's institutions: no (patent, institution) table at all.
    flags = [("patents", "true"), ("inventions", "s.kind = 'invention'"), ("valid_inventions", "s.eligible"),
             ("high_value", "s.high_value"), ("d1_sei", "s.eligible AND s.d1"), ("d2_overseas", "s.eligible AND s.d2"),
             ("d3_maintained", "s.d3"), ("d4_pledge", "s.eligible AND s.d4"), ("d5_award", "s.eligible AND s.d5"),
             *[(f"sei_{k}", f"s.eligible AND s.s{k}") for k in range(1, 10)],
             ("valid_inventions_prev", "s.eligible_prev"), ("high_value_prev", "s.high_value_prev")]

    os.makedirs(a.out, exist_ok=True)
    # share = high_value / valid_inventions rounded half-up to 4 decimals, in integers
    inst_sql = f"""
    SELECT CASE WHEN left(name, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN chr(39) || name
                ELSE name END AS institution,
      type, patents, inventions, valid_inventions, high_value,
      (share_e4 // 10000)::VARCHAR || '.' || lpad((share_e4 % 10000)::VARCHAR, 4, '0') AS high_value_share,
      d1_sei, d2_overseas, d3_maintained, d4_pledge, d5_award,
      sei_1, sei_2, sei_3, sei_4, sei_5, sei_6, sei_7, sei_8, sei_9,
      valid_inventions_prev, high_value_prev
    FROM (
      SELECT *, CASE WHEN valid_inventions = 0 THEN 0
                     ELSE (high_value * 20000 + valid_inventions) // (2 * valid_inventions) END AS share_e4
      FROM (
        SELECT h.institution AS name, h.type,
          {", ".join(f"sum(c.{n})::BIGINT AS {n}" for n, _ in flags)}
        FROM cell_inst h
        JOIN (SELECT s.holders AS cell, {", ".join(f"{cnt(e)} AS {n}" for n, e in flags)}
              FROM scored s WHERE s.holders IS NOT NULL GROUP BY s.holders) c USING (cell)
        {type_filter}
        GROUP BY h.institution, h.type))
    ORDER BY high_value DESC, name
    """
    con.execute(f"COPY ({inst_sql}) TO {lit(os.path.join(a.out, 'institutions.csv'))} (HEADER, DELIMITER ',')")
    con.execute(f"""
    COPY (
      SELECT s.id AS patent_id, coalesce(s.kind, '') AS kind, s.eligible,
             s.d1 AS d1_sei, s.d2 AS d2_overseas, s.d3 AS d3_maintained, s.d4 AS d4_pledge, s.d5 AS d5_award,
             s.high_value, s.eligible_prev, s.high_value_prev,
             array_to_string(s.sei_codes, ';') AS sei_codes, coalesce(hi.names, '') AS institutions
      FROM scored s
      LEFT JOIN (SELECT cell, array_to_string(list_sort(list(institution)), ';') AS names
                 FROM cell_inst GROUP BY cell) hi
        ON hi.cell = s.holders
      ORDER BY s.id
    ) TO {lit(os.path.join(a.out, 'patents.csv'))} (HEADER, DELIMITER ',')
    """)

    c = con.execute("SELECT n, patent_rows, out_of_scope, rejected, wrong_check FROM outcomes").fetchone()
    scored = con.execute("SELECT count(*) FROM patents").fetchone()[0]
    print(f"duckdb_peer: rows_read={c[0]} scored={scored} duplicates={c[1] - scored} "
          f"out_of_scope={c[2]} rejected={c[3]} wrong_check_digits={c[4]} "
          f"({time.time() - t0:.2f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
