#!/usr/bin/env python3
"""Deterministic generator of the hvpat sample data set (stdlib only).

Writes, next to this script:
  portfolio.csv  native layout (SPEC §3), ~3000 rows
  families.csv   patent,member
  pledges.csv    contract_id,patent,amount_wan,registered_on
  awards.csv     patent,award,level,date

All data is synthetic. Running the script twice gives byte-identical files
(one random.Random(20251231), no set/dict-order dependence, no clock).

Deliberate edge cases use application numbers whose 7-digit serial starts
with 1999 (e.g. 201511999001.x); random rows never use that block. The script
prints every edge case with its number and the expected verdict as of
2025-12-31, and an indicative per-university tally computed from the
generator's own ground truth (not from parsing the files).
"""

import csv
import datetime as dt
import os
import sys
from fractions import Fraction
import random

SEED = 20251231
AS_OF = dt.date(2025, 12, 31)
AS_OF_PREV = dt.date(2024, 12, 31)
EXPORT = dt.date(2026, 3, 31)  # the (fictitious) export date of the portfolio
OUT = os.path.dirname(os.path.abspath(__file__))

rng = random.Random(SEED)

# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------
W12 = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
W8 = [2, 3, 4, 5, 6, 7, 8, 9]


def check_digit(body):
    w = W12 if len(body) == 12 else W8
    assert len(body) == len(w), body
    s = sum(int(c) * k for c, k in zip(body, w)) % 11
    return "X" if s == 10 else str(s)


def make_app(year, typ, serial):
    if year >= 2003:
        body = "%04d%d%07d" % (year, typ, serial)
    else:
        body = "%02d%d%05d" % (year % 100, typ, serial)
    return body + "." + check_digit(body)


for _known in ("200710308494.X", "201220687633.0", "201310699744.2", "95115608.X"):
    _b, _c = _known.split(".")
    assert check_digit(_b) == _c, _known

used_apps = set()  # membership only, never iterated
used_pubs = set()
EDGE_BLOCK = 1999000  # serials 1999000..1999999 are reserved for edge cases


def new_app(year, typ):
    while True:
        if year >= 2003:
            serial = rng.randint(1, 1998999)
        else:
            serial = rng.randint(10000, 98999)
        a = make_app(year, typ, serial)
        if a not in used_apps:
            used_apps.add(a)
            return a


# roughly realistic 3-digit prefixes of 9-digit CN publication numbers, by publication year
PUB_INV = {2007: [101], 2008: [101], 2009: [101, 102], 2010: [101, 102], 2011: [102], 2012: [102, 103],
           2013: [103], 2014: [103, 104], 2015: [104, 105], 2016: [105, 106], 2017: [106, 107],
           2018: [107, 108], 2019: [109, 110], 2020: [110, 111], 2021: [112, 113], 2022: [114, 115],
           2023: [115, 116], 2024: [117, 118], 2025: [119, 120], 2026: [121]}
PUB_UTL = {2007: [200], 2008: [201], 2009: [201], 2010: [201], 2011: [201, 202], 2012: [202], 2013: [203],
           2014: [203, 204], 2015: [204], 2016: [205], 2017: [206], 2018: [207, 208], 2019: [209, 210],
           2020: [211, 212], 2021: [213, 214], 2022: [216, 217], 2023: [218, 219], 2024: [220, 221],
           2025: [222, 223], 2026: [224]}
PUB_DES = {2007: [300], 2008: [300], 2009: [301], 2010: [301], 2011: [301], 2012: [302], 2013: [302],
           2014: [302, 303], 2015: [303], 2016: [303, 304], 2017: [304], 2018: [304, 305],
           2019: [305], 2020: [305, 306], 2021: [306, 307], 2022: [307], 2023: [308], 2024: [308, 309],
           2025: [309], 2026: [309]}


def new_pub(kind, filing):
    """Publication number (without kind code) for a CN document."""
    pub_year = min((filing + dt.timedelta(days=540 if kind == "inv" else 200)).year, 2026)
    while True:
        if filing.year < 2005:  # old 7-digit publication numbers
            first = {"inv": "1", "utl": "2", "des": "3"}[kind]
            num = first + "%06d" % rng.randint(100000, 999999)
        else:
            table = {"inv": PUB_INV, "utl": PUB_UTL, "des": PUB_DES}[kind]
            y = min(max(pub_year, 2007), 2026)
            num = "%d%06d" % (pick(table[y]), rng.randint(0, 999999))
        if num not in used_pubs:
            used_pubs.add(num)
            return "CN" + num


def kind_code(kind, granted, filing):
    old = filing.year < 2005
    if kind == "inv":
        return ("C" if old else "B") if granted else "A"
    if kind == "utl":
        return "Y" if old else "U"
    return "D" if old else "S"


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------
def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February -> 28 February
        return d.replace(year=d.year + n, day=28)


def rand_day(year):
    start = dt.date(year, 1, 1)
    n = (dt.date(year + 1, 1, 1) - start).days
    return start + dt.timedelta(days=rng.randrange(n))


def iso(d):
    return d.isoformat() if d else ""


YEAR_W = [
    (1998, 2), (1999, 2), (2000, 3), (2001, 4), (2002, 5), (2003, 7), (2004, 9),
    (2005, 12), (2006, 16), (2007, 20), (2008, 25), (2009, 31), (2010, 40),
    (2011, 50), (2012, 60), (2013, 70), (2014, 80), (2015, 90), (2016, 100),
    (2017, 110), (2018, 120), (2019, 130), (2020, 140), (2021, 148), (2022, 150),
    (2023, 140), (2024, 120), (2025, 80),
]


def rand_filing(min_year=1998):
    ys = [y for y, _ in YEAR_W if y >= min_year]
    ws = [w for y, w in YEAR_W if y >= min_year]
    return rand_day(rng.choices(ys, ws)[0])


# --------------------------------------------------------------------------
# IPC
# --------------------------------------------------------------------------
# Codes whose SEI match (per ../shared/reference/cn-patent-ipc/ipc-sei.jsonl:
# the code itself, its main group, its subclass or its class is listed) was
# checked when this script was written, plus the legacy rules of SPEC §1
# (H01L, H10*, G06K 9, G06V).  Verified again at run time when the reference
# file is reachable.
SEI_FILE = {
    "G06N 3/08", "G06N 3/04", "G06F 18/24", "G06F 18/214", "G06T 7/00", "G06T 7/11",
    "H04W 72/04", "H04W 24/02", "H04L 5/00", "H04B 7/0413",
    "C12N 15/11", "C12N 15/113", "C12Q 1/68", "A61K 38/00", "A61K 9/00", "A61P 35/00",
    "A61K 39/395", "C07K 16/28", "A61K 47/69",
    "H01M 10/0525", "C01B 32/182", "C01B 32/184", "C08L 63/00", "C04B 35/00",
    "B25J 9/16", "G05B 13/00", "G05B 13/04", "H02J 3/38", "H02J 7/00", "B60L 53/00",
    "B60L 58/12", "F24S 10/00", "H02S 40/00", "C02F 1/00", "C02F 1/44", "B01D 53/00",
    "G16H 50/20", "A61B 5/00", "A61B 17/00", "G01N 21/00", "G01N 33/574", "H04N 19/00",
    "B82Y 30/00", "G06Q 10/00", "E04B 1/00", "E04B 1/38", "A01K 1/00", "A01K 1/03",
    "G01R 31/367", "H02K 1/27", "F03D 7/00",
}
SEI_LEGACY = {
    "G06V 10/82", "G06V 20/56", "G06V 40/16", "G06K 9/62", "G06K 9/00",
    "H01L 21/02", "H01L 29/78", "H01L 21/336", "H01L 31/18", "H01L 31/0216", "H01L 33/00",
    "H10K 50/00", "H10K 59/00", "H10B 12/00", "H10F 10/00", "H10F 71/00",
}
NON_SEI = {
    "A47J 27/00", "A47J 31/00", "B65D 81/00", "B65D 5/00", "F16B 5/00", "A63B 21/00",
    "A63B 23/00", "A47C 7/00", "F16K 1/00", "E06B 3/00", "E06B 3/66", "A45D 1/00",
    "A61H 1/00", "A61H 1/02", "G09B 19/00", "G09B 23/28", "F16H 1/00", "F16H 1/28",
    "G01M 99/00", "G01M 5/00", "D06F 39/00", "B33Y 10/00", "B33Y 80/00", "A47L 15/00",
    "B62B 3/00", "B62B 3/02", "F24C 7/00", "G01S 17/00", "H01M 4/36", "H01M 4/62",
    "C12Q 1/6883", "G06Q 50/06", "F16M 11/04", "A45C 11/00", "A47G 19/22", "B60K 6/00",
}


def is_sei(code):
    if code in SEI_FILE or code in SEI_LEGACY:
        return True
    assert code in NON_SEI, code
    return False


def ipc_spell(code, style):
    sub, rest = code.split(" ")
    mg, sg = rest.split("/")
    if style == "space":
        return code
    if style == "tight":
        return sub + mg + "/" + sg
    if style == "wipo14":
        return sub + mg.rjust(4, "0") + sg.ljust(6, "0")
    if style == "version":
        return code + " (2006.01)"
    if style == "lower":
        return code.lower()
    if style == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in code)
    raise ValueError(style)


def ipc_cell(codes, style=None):
    if style is None:
        r = rng.random()
        style = ("space" if r < 0.80 else "tight" if r < 0.90 else
                 "wipo14" if r < 0.96 else "version" if r < 0.995 else "lower")
    return ";".join(ipc_spell(c, style) for c in codes)


# --------------------------------------------------------------------------
# Topics: (weight, main IPC pool, extra IPC pool, title function)
# --------------------------------------------------------------------------
def pick(xs):
    return xs[rng.randrange(len(xs))]


def t_ai():
    tech = pick(["深度学习", "卷积神经网络", "Transformer", "图神经网络", "注意力机制", "联邦学习",
                 "强化学习", "知识蒸馏", "生成对抗网络", "自监督学习", "多模态融合"])
    obj = pick(["遥感图像", "医学影像", "行人", "车辆", "人脸", "工业缺陷", "视频", "点云", "交通流",
                "手写文字", "服装图像"])
    task = pick(["识别", "检测", "分割", "分类", "重识别", "预测", "跟踪"])
    suf = pick(["方法", "方法及系统", "方法、装置、设备及存储介质", "方法及装置"])
    return "一种基于%s的%s%s%s" % (tech, obj, task, suf)


def t_semi():
    if rng.random() < 0.6:
        d = pick(["氮化镓高电子迁移率晶体管", "碳化硅MOSFET器件", "二维材料场效应晶体管", "柔性薄膜晶体管",
                  "阻变存储器", "铁电存储器", "量子点发光二极管", "有机发光二极管显示面板", "深紫外LED芯片"])
        return "一种%s及其制备方法" % d
    p = pick(["晶圆级键合", "原子层沉积", "硅通孔互连", "低温外延生长", "光刻胶剥离", "芯片封装散热"])
    return "一种%s方法" % p


def t_pv():
    d = pick(["钙钛矿太阳能电池", "异质结太阳能电池", "钙钛矿/晶硅叠层太阳能电池", "柔性有机太阳能电池",
              "钝化接触太阳能电池"])
    return "一种%s及其制备方法" % d


def t_wireless():
    ctx = pick(["无线通信系统", "车联网", "毫米波通信", "大规模MIMO系统", "低轨卫星网络", "物联网",
                "智能反射面辅助通信系统"])
    th = pick(["资源分配", "波束管理", "信道估计", "功率控制", "随机接入", "干扰协调"])
    return "一种%s中的%s方法及装置" % (ctx, th)


def t_bio():
    tg = pick(["靶向PD-L1", "抑制肿瘤转移", "治疗阿尔茨海默病", "抗流感病毒", "用于肝癌早期诊断",
               "促进骨再生", "治疗糖尿病"])
    ag = pick(["siRNA", "多肽", "单克隆抗体", "纳米载药体系", "检测试剂盒", "引物组合", "重组蛋白"])
    return "一种%s的%s及其应用" % (tg, ag)


def t_battery():
    m = pick(["高镍三元正极材料", "硅碳负极材料", "硫化物固态电解质", "锂硫电池隔膜", "钠离子电池正极材料",
              "磷酸铁锂复合材料", "锂金属负极保护层"])
    return "一种%s及其制备方法和应用" % m


def t_mat():
    m = pick(["石墨烯气凝胶", "氮掺杂石墨烯", "高导热环氧树脂复合材料", "碳化硅陶瓷基复合材料",
              "碳纳米管薄膜", "自修复水凝胶", "耐高温聚酰亚胺薄膜"])
    return "一种%s的制备方法" % m


def t_robot():
    r = pick(["六轴机械臂", "四足机器人", "移动机器人", "手术机器人", "下肢外骨骼机器人", "无人机集群"])
    c = pick(["轨迹规划", "自适应控制", "力位混合控制", "路径规划", "手眼标定", "故障诊断"])
    return "一种%s的%s方法" % (r, c)


# Topics whose titles come with their own main IPC code: (title, main code)
ENERGY_PAIRS = [
    ("一种基于储能的微电网优化调度方法", "H02J 3/38"), ("一种电动汽车充电桩功率分配方法", "B60L 53/00"),
    ("一种槽式太阳能集热器", "F24S 10/00"), ("一种含氟废水的处理方法", "C02F 1/00"),
    ("一种低温烟气脱硝催化剂及其制备方法", "B01D 53/00"), ("一种风电机组偏航控制方法", "F03D 7/00"),
    ("一种锂电池健康状态估计方法", "G01R 31/367"), ("一种永磁同步电机转子结构", "H02K 1/27"),
    ("一种反渗透海水淡化方法", "C02F 1/44"), ("一种动力电池热管理系统", "B60L 58/12"),
]
MED_PAIRS = [
    ("一种可穿戴心电监测装置", "A61B 5/00"), ("一种微创手术用止血夹", "A61B 17/00"),
    ("一种基于光声成像的血氧检测方法", "G01N 21/00"), ("一种肺癌肿瘤标志物检测方法", "G01N 33/574"),
]
AGRI_CIVIL_PAIRS = [
    ("一种装配式建筑墙体连接结构", "E04B 1/38"), ("一种钢结构节点抗震连接件", "E04B 1/00"),
    ("一种畜禽养殖舍环境调控装置", "A01K 1/00"), ("一种可移动式猪舍", "A01K 1/03"),
]
F16B_TITLES = ["一种自动锁紧的螺栓连接结构", "一种快拆式板件连接结构", "一种防松动紧固连接件",
               "一种模块化面板拼接结构"]
MECH_PAIRS = [
    ("一种可调节阻尼的健身器材", "A63B 21/00"), ("一种多功能电饭煲", "A47J 27/00"),
    ("一种便携式折叠椅", "A47C 7/00"), ("一种防泄漏截止阀", "F16K 1/00"),
    ("一种双层中空玻璃门窗", "E06B 3/00"), ("一种隔热中空玻璃窗扇", "E06B 3/66"),
    ("一种行星齿轮减速装置", "F16H 1/28"), ("一种减速器齿轮箱", "F16H 1/00"),
    ("一种防摔包装盒", "B65D 81/00"), ("一种瓦楞纸箱", "B65D 5/00"),
    ("一种康复按摩装置", "A61H 1/00"), ("一种颈椎牵引装置", "A61H 1/02"),
    ("一种编程教学演示装置", "G09B 19/00"), ("一种人体解剖教学模型", "G09B 23/28"),
    ("一种桥梁结构振动测试装置", "G01M 5/00"), ("一种机械振动故障诊断试验台", "G01M 99/00"),
    ("一种可折叠手推车", "B62B 3/02"), ("一种平板搬运车", "B62B 3/00"),
    ("一种智能咖啡机", "A47J 31/00"), ("一种洗碗机喷淋臂", "A47L 15/00"),
    ("一种激光雷达安装支架", "F16M 11/04"), ("一种激光雷达测距装置", "G01S 17/00"),
    ("一种便携式卷发器", "A45D 1/00"), ("一种保温水杯", "A47G 19/22"),
    ("一种多功能收纳包", "A45C 11/00"), ("一种洗衣机排水装置", "D06F 39/00"),
    ("一种电烤箱加热结构", "F24C 7/00"), ("一种腹肌训练器", "A63B 23/00"),
] + [(t, "F16B 5/00") for t in F16B_TITLES]
MISC_PAIRS = [
    ("一种基于区块链的电力交易方法", "G06Q 50/06"), ("一种基因多态性检测引物", "C12Q 1/6883"),
    ("一种高比能锂电池电极结构", "H01M 4/36"), ("一种硅负极粘结剂组合物", "H01M 4/62"),
    ("一种混合动力汽车动力耦合装置", "B60K 6/00"),
]


def t_energy():
    return pick(ENERGY_PAIRS)


def t_med():
    return pick(MED_PAIRS)


def t_agri_civil():
    return pick(AGRI_CIVIL_PAIRS)


def t_mech():
    return pick(MECH_PAIRS)


def t_am():
    m = pick(["钛合金", "镍基高温合金", "氧化锆陶瓷", "可降解生物支架", "连续纤维复合材料"])
    return "一种%s的增材制造方法" % m


def t_misc():
    return pick(MISC_PAIRS)


TOPICS = [
    # name, weight, main pool, extra pool, title
    ("ai", 15, ["G06N 3/08", "G06N 3/04", "G06V 10/82", "G06K 9/62", "G06F 18/24", "G06T 7/00",
                "G06V 20/56", "G06V 40/16"],
     ["G06N 3/08", "G06N 3/04", "G06T 7/11", "G06F 18/214", "G06K 9/00", "G06V 10/82"], t_ai),
    ("semi", 6, ["H01L 21/02", "H01L 29/78", "H01L 21/336", "H10K 50/00", "H10B 12/00", "H01L 33/00"],
     ["H01L 21/02", "H10K 59/00", "H01L 29/78"], t_semi),
    ("pv", 3, ["H01L 31/18", "H01L 31/0216", "H10F 10/00", "H02S 40/00"],
     ["H01L 31/18", "H10F 71/00", "H02S 40/00"], t_pv),
    ("wireless", 5, ["H04W 72/04", "H04W 24/02", "H04L 5/00", "H04B 7/0413"],
     ["H04W 72/04", "H04L 5/00"], t_wireless),
    ("bio", 6, ["C12N 15/11", "C12N 15/113", "C12Q 1/68", "A61K 38/00", "A61K 9/00", "A61K 39/395",
                "C07K 16/28"],
     ["A61P 35/00", "A61K 47/69", "C12Q 1/6883"], t_bio),
    ("battery", 4, ["H01M 10/0525", "H01M 10/0525", "H01M 4/36", "H01M 4/62"],
     ["H01M 4/62", "H01M 10/0525", "H01M 4/36"], t_battery),
    ("mat", 4, ["C01B 32/182", "C01B 32/184", "C08L 63/00", "C04B 35/00", "B82Y 30/00"],
     ["B82Y 30/00", "C01B 32/184"], t_mat),
    ("robot", 3, ["B25J 9/16", "G05B 13/00", "G05B 13/04"], ["G05B 13/04", "B25J 9/16"], t_robot),
    ("energy", 4, ["H02J 3/38", "B60L 53/00", "F24S 10/00", "C02F 1/00", "B01D 53/00", "F03D 7/00",
                   "G01R 31/367", "H02K 1/27"],
     ["H02J 7/00", "B60L 58/12", "C02F 1/44", "G06Q 10/00"], t_energy),
    ("med", 2, ["A61B 5/00", "A61B 17/00", "G01N 21/00", "G01N 33/574"], ["G16H 50/20", "A61B 5/00"],
     t_med),
    ("agri_civil", 2, ["E04B 1/00", "E04B 1/38", "A01K 1/00", "A01K 1/03"], ["E04B 1/38"], t_agri_civil),
    # non-SEI topics
    ("mech", 48, ["A47J 27/00", "A47J 31/00", "B65D 81/00", "B65D 5/00", "F16B 5/00", "A63B 21/00",
                  "A63B 23/00", "A47C 7/00", "F16K 1/00", "E06B 3/00", "A45D 1/00", "A61H 1/00",
                  "G09B 19/00", "G09B 23/28", "F16H 1/00", "F16H 1/28", "G01M 99/00", "G01M 5/00",
                  "D06F 39/00", "A47L 15/00", "B62B 3/00", "F24C 7/00", "G01S 17/00", "F16M 11/04",
                  "A45C 11/00", "A47G 19/22"],
     ["F16B 5/00", "E06B 3/66", "A61H 1/02", "B62B 3/02", "F16M 11/04", "G01M 5/00"], t_mech),
    ("am", 4, ["B33Y 10/00", "B33Y 80/00"], ["B33Y 80/00", "B33Y 10/00"], t_am),
    ("misc", 3, ["G06Q 50/06", "C12Q 1/6883", "H01M 4/36", "H01M 4/62", "B60K 6/00"],
     ["G06Q 50/06", "B60K 6/00"], t_misc),
]
TOPIC_BY_NAME = {t[0]: t for t in TOPICS}
SEI_EXTRA_POOL = ["G06N 3/08", "H04W 72/04", "G16H 50/20", "H01M 10/0525", "G06V 10/82"]


def gen_ipc(topic_name, main=None):
    name, _, mains, extras, _ = TOPIC_BY_NAME[topic_name]
    codes = [main if main else pick(mains)]
    for _ in range(rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]):
        c = pick(extras)
        if c not in codes:
            codes.append(c)
    if name in ("mech", "am", "misc") and rng.random() < 0.06:
        c = pick(SEI_EXTRA_POOL)  # SEI only through an additional code
        if c not in codes:
            codes.append(c)
    return codes


def gen_topic():
    return rng.choices([t[0] for t in TOPICS], [t[1] for t in TOPICS])[0]


# --------------------------------------------------------------------------
# Owners
# --------------------------------------------------------------------------
UNIVERSITIES = [  # name, weight (primary-holder rows)
    ("清华大学", 640), ("浙江大学", 440), ("上海交通大学", 300), ("哈尔滨工业大学", 230),
    ("华中科技大学", 175), ("北京大学", 140), ("东南大学", 115), ("中山大学", 85),
    ("深圳大学", 60), ("南方科技大学", 48),
]
UNIV_NAMES = [u for u, _ in UNIVERSITIES]
ENTERPRISES = [
    "华为技术有限公司", "比亚迪股份有限公司", "深圳市大疆创新科技有限公司", "中兴通讯股份有限公司",
    "腾讯科技(深圳)有限公司", "宁德时代新能源科技股份有限公司", "京东方科技集团股份有限公司",
    "珠海格力电器股份有限公司", "国家电网有限公司", "美的集团股份有限公司",
]
INSTITUTES = ["中国科学院深圳先进技术研究院", "中国科学院自动化研究所"]
HOSPITALS = ["北京协和医院"]
INDIVIDUALS = ["张伟", "王芳", "李强", "刘洋"]

# Spellings of canonical names that the tool must fold back (used in cells only).
VARIANTS = {
    "清华大学": ["Tsinghua University", "TSINGHUA UNIV", "\u3000清华大学\u3000",
                 "ＴＳＩＮＧＨＵＡ　ＵＮＩＶ"],
    "浙江大学": ["ZHEJIANG UNIVERSITY", "Zhejiang Univ", "\u3000浙江大学"],
    "上海交通大学": ["SHANGHAI JIAO TONG UNIVERSITY", "Shanghai Jiaotong Univ."],
    "北京大学": ["PEKING UNIVERSITY", "Peking Univ"],
    "哈尔滨工业大学": ["HARBIN INSTITUTE OF TECHNOLOGY", "Harbin Inst. of Technology"],
    "华中科技大学": ["HUAZHONG UNIVERSITY OF SCIENCE AND TECHNOLOGY", "HUAZHONG UNIV OF SCI & TECH"],
    "中山大学": ["SUN YAT-SEN UNIVERSITY"],
    "东南大学": ["SOUTHEAST UNIVERSITY"],
    "深圳大学": ["SHENZHEN UNIVERSITY", "Shenzhen Univ"],
    "南方科技大学": ["SOUTHERN UNIVERSITY OF SCIENCE AND TECHNOLOGY"],
    "腾讯科技(深圳)有限公司": ["腾讯科技（深圳）有限公司", "TENCENT TECHNOLOGY (SHENZHEN) CO., LTD."],
    "华为技术有限公司": ["HUAWEI TECHNOLOGIES CO., LTD.", "华为技术有限公司\u3000"],
}


def otype(name):
    if name in UNIV_NAMES:
        return "university"
    if name in ENTERPRISES:
        return "enterprise"
    if name in INSTITUTES:
        return "institute"
    if name in HOSPITALS:
        return "hospital"
    return "individual"


def gen_primary():
    r = rng.random()
    if r < 0.83:
        return rng.choices(UNIV_NAMES, [w for _, w in UNIVERSITIES])[0]
    if r < 0.95:
        return pick(ENTERPRISES)
    if r < 0.975:
        return pick(INSTITUTES)
    if r < 0.985:
        return pick(HOSPITALS)
    return pick(INDIVIDUALS)


def gen_coholder(primary):
    r = rng.random()
    if r < 0.35:
        pool = UNIV_NAMES
    elif r < 0.80:
        pool = ENTERPRISES
    elif r < 0.90:
        pool = INSTITUTES
    elif r < 0.95:
        pool = HOSPITALS
    else:
        pool = INDIVIDUALS
    pool = [c for c in pool if c != primary] or [u for u in UNIV_NAMES if u != primary]
    return pick(pool)


def names_cell(names, variant_p=0.0):
    out = []
    for n in names:
        if n in VARIANTS and variant_p and rng.random() < variant_p:
            out.append(pick(VARIANTS[n]))
        else:
            out.append(n)
    return ";".join(out)


# --------------------------------------------------------------------------
# Patent model
# --------------------------------------------------------------------------
DEAD = {"失效", "无效", "终止", "届满", "放弃", "撤回", "驳回"}
KIND_CELL = {"inv": "发明", "utl": "实用新型", "des": "外观设计"}
TYPE_DIGIT = {"inv": 1, "utl": 2, "des": 3}


class Patent:
    def __init__(self):
        self.app = ""        # canonical application number ("" when absent)
        self.pubnum = ""     # CN + digits, no kind code
        self.pubkind = ""
        self.app_cell = None
        self.title = ""
        self.kind = "inv"
        self.kind_cell = None
        self.filing = None
        self.filing_cell = None
        self.grant = None
        self.status = ""
        self.lapse = None
        self.ipc = []
        self.ipc_cell = None
        self.applicants = []
        self.holders = []
        self.app_names_cell = None
        self.holders_cell = None
        self.family = []
        self.pledge = ""
        self.awards = ""
        self.edge = None
        self.in_truth = True  # counted in the indicative oracle

    @property
    def pub(self):
        return self.pubnum + self.pubkind

    @property
    def pid(self):
        return "CN" + self.app if self.app else self.pubnum

    def owners(self):
        return self.holders if self.holders else self.applicants

    def sei(self):
        return any(is_sei(c) for c in self.ipc)

    def frozen_ipc_cell(self):
        if self.ipc_cell is None:  # spell once, so that duplicate rows stay identical
            self.ipc_cell = ipc_cell(self.ipc)
        return self.ipc_cell

    def row(self):
        return [
            self.app if self.app_cell is None else self.app_cell,
            self.pub,
            self.title,
            KIND_CELL[self.kind] if self.kind_cell is None else self.kind_cell,
            iso(self.filing) if self.filing_cell is None else self.filing_cell,
            iso(self.grant),
            self.status,
            iso(self.lapse),
            self.frozen_ipc_cell(),
            ";".join(self.applicants) if self.app_names_cell is None else self.app_names_cell,
            ";".join(self.holders) if self.holders_cell is None else self.holders_cell,
            ";".join(self.family),
            self.pledge,
            self.awards,
        ]


def lifecycle(p, owner_is_univ):
    """Fill grant/status/lapse from filing date and kind."""
    f = p.filing
    if p.kind == "inv":
        decision = f + dt.timedelta(days=int(rng.triangular(365, 1461, 760)))
        if decision > EXPORT:
            p.status, p.grant = "审中", None
            return
        r = rng.random()
        if r < 0.10:
            p.status = "驳回"
            return
        if r < 0.18:
            p.status = "撤回"
            return
        p.grant = decision
        term, hazard = 20, (0.075 if owner_is_univ else 0.045)
    elif p.kind == "utl":
        p.grant = f + dt.timedelta(days=rng.randint(150, 420))
        term, hazard = 10, 0.14
    else:
        p.grant = f + dt.timedelta(days=rng.randint(100, 300))
        term, hazard = (15 if f >= dt.date(2021, 6, 1) else 10), 0.16
    if p.grant > EXPORT:  # utility/design filed in early 2026 cannot happen; clamp
        p.grant = EXPORT - dt.timedelta(days=rng.randint(1, 60))
    expiry = add_years(f, term)
    # years until the annual fee is no longer paid
    years = 0
    while rng.random() > hazard and years < 30:
        years += 1
    lapse = add_years(f, max(years + (p.grant.year - f.year) + 1, 2)) + dt.timedelta(
        days=rng.randint(0, 180))
    if lapse < expiry and lapse <= EXPORT:
        p.status = rng.choices(["失效", "终止", "无效"], [85, 8, 7])[0]
        if p.status == "无效":
            lapse = p.grant + dt.timedelta(days=rng.randint(200, max(201, (min(lapse, EXPORT) - p.grant).days)))
        p.lapse = lapse if rng.random() < 0.5 else None
    elif expiry <= EXPORT:
        p.status = "届满"
        p.lapse = expiry if rng.random() < 0.5 else None
    else:
        p.status = "有效"


def new_patent(kind=None, topic=None, filing=None, primary=None):
    p = Patent()
    if kind is None:
        kind = rng.choices(["inv", "utl", "des"], [85, 10, 5])[0]
    p.kind = kind
    if primary is None:
        primary = gen_primary()
    if filing is None:
        filing = rand_filing(2003 if kind != "inv" else 1998)
    p.filing = filing
    typ = TYPE_DIGIT[kind]
    if kind == "inv" and filing.year >= 2008 and rng.random() < 0.02:
        typ = 8  # PCT national phase
    p.app = new_app(filing.year, typ)
    if topic is None:
        topic = gen_topic() if kind == "inv" else pick(["mech", "mech", "mech", "mech", "med"])
    if kind == "des":
        p.title = pick(["手机保护壳", "台灯", "无人机", "智能手表", "电动牙刷", "包装盒（茶叶）",
                        "显示屏的图形用户界面", "机器人外壳", "水杯", "座椅"])
        p.ipc = []
        p.ipc_cell = ""
    else:
        title, main = TOPIC_BY_NAME[topic][4](), None
        if isinstance(title, tuple):
            title, main = title
        if kind == "utl":
            title = (title.replace("方法及系统", "系统").replace("方法及装置", "装置")
                     .replace("及其制备方法和应用", "").replace("及其制备方法", "")
                     .replace("的制备方法", "").replace("方法", "装置"))
        p.title = title
        p.ipc = gen_ipc(topic, main)
    lifecycle(p, otype(primary) == "university")
    granted = p.grant is not None and p.status not in ("审中", "驳回", "撤回")
    p.pubnum = new_pub(kind, filing)
    p.pubkind = kind_code(kind, granted, filing)
    # owners
    names = [primary]
    if rng.random() < 0.12:
        names.append(gen_coholder(primary))
        if rng.random() < 0.25:
            c = gen_coholder(primary)
            if c not in names:
                names.append(c)
    p.applicants = list(names)
    p.holders = list(names)
    r = rng.random()
    if r < 0.05 and granted and otype(primary) != "enterprise":
        p.holders = [pick(ENTERPRISES)]  # assigned after grant
    elif r < 0.10:
        p.holders = []
        p.holders_cell = ""
    if p.holders and p.holders_cell is None and rng.random() < 0.03:
        p.holders_cell = names_cell(p.holders, variant_p=1.0)
    # kind / app spellings
    if rng.random() < 0.10:
        p.kind_cell = ""
    r = rng.random()
    if r < 0.05:
        p.app_cell = ""  # only the publication number identifies the patent
        p.app = ""
    elif r < 0.06:
        p.app_cell = pick(["CN", "ZL"]) + p.app
    elif r < 0.065:
        p.app_cell = p.app.replace(".", "")
    return p


# --------------------------------------------------------------------------
# Family members
# --------------------------------------------------------------------------
def interp(table, y):
    """Linear interpolation in a {year: number} table (clamped)."""
    ys = sorted(table)
    y = min(max(y, ys[0]), ys[-1])
    for a, b in zip(ys, ys[1:]):
        if a <= y <= b:
            return int(table[a] + (table[b] - table[a]) * (y - a) / (b - a))
    return table[ys[-1]]


# approximate first numbers issued in a year, to keep member numbers plausible for the filing year
US_GRANT = {2000: 6010000, 2005: 6840000, 2010: 7640000, 2015: 8930000, 2018: 9860000,
            2020: 10520000, 2022: 11212000, 2024: 11856000, 2026: 12500000}
EP_PUB = {2000: 1000000, 2005: 1500000, 2010: 2140000, 2015: 2840000, 2020: 3590000, 2024: 4310000,
          2026: 4700000}
JP_GRANT = {2000: 3000000, 2005: 3650000, 2010: 4420000, 2015: 5660000, 2020: 6640000, 2024: 7420000,
            2026: 7800000}
KR_GRANT = {2005: 500000, 2010: 960000, 2015: 1500000, 2020: 2070000, 2024: 2640000, 2026: 2900000}
AU_GRANT_BASE = 2000000000  # AU YYYY + 6 digits


def fam_member(kind, filing_year):
    fy = filing_year
    if fy >= 2022:  # too recent for a foreign grant before the export date
        kind = {"US_B": "US_A", "EP_B": "EP_A", "JP_B": "JP_A", "KR_B": "KR_A", "AU_B": "US_A"}.get(kind, kind)
    if kind == "US_B":
        return "US%dB2" % (interp(US_GRANT, fy + 3) + rng.randint(0, 150000))
    if kind == "US_A":
        return "US%d%07dA1" % (min(fy + 2, 2025), rng.randint(1, 399999))
    if kind == "EP_A":
        return "EP%07dA1" % (interp(EP_PUB, fy + 2) + rng.randint(0, 60000))
    if kind == "EP_B":
        return "EP%07dB1" % (interp(EP_PUB, fy + 2) + rng.randint(0, 60000))
    if kind == "JP_A":
        return "JP%d%06dA" % (min(fy + 2, 2025), rng.randint(1, 299999))
    if kind == "JP_B":
        return "JP%07dB2" % (interp(JP_GRANT, fy + 4) + rng.randint(0, 90000))
    if kind == "KR_B":
        return "KR10%07dB1" % (interp(KR_GRANT, fy + 3) + rng.randint(0, 90000))
    if kind == "KR_A":
        return "KR10%d%07dA" % (min(fy + 2, 2025), rng.randint(1, 199999))
    if kind == "WO":
        return "WO%d%06dA1" % (min(fy + 1, 2025), rng.randint(1, 299999))
    if kind == "AU_B":
        return "AU%d%06dB2" % (min(fy + 1, 2025), rng.randint(1, 399999))
    if kind == "BARE":
        return pick(["US", "EP", "JP", "KR", "DE"])
    raise ValueError(kind)


def gen_family(p):
    fy = p.filing.year
    r = rng.random()
    if r < 0.15:  # WO only
        return [fam_member("WO", fy)]
    if r < 0.30:  # applications only, nothing granted
        return [fam_member(k, fy) for k in ("WO", pick(["US_A", "EP_A", "JP_A", "KR_A"]))]
    if r < 0.38:
        return [fam_member("BARE", fy)]
    ms = []
    if rng.random() < 0.6:
        ms.append(fam_member("WO", fy))
    for _ in range(rng.randint(1, 3)):
        ms.append(fam_member(rng.choices(["US_B", "US_A", "EP_A", "EP_B", "JP_A", "JP_B", "KR_B", "AU_B"],
                                         [30, 15, 15, 10, 8, 8, 8, 3])[0], fy))
    if rng.random() < 0.2:
        ms.insert(0, p.pub)  # the CN document itself, as simple-family lists do
    return ms


# --------------------------------------------------------------------------
# Build the base portfolio
# --------------------------------------------------------------------------
N_BASE = 2860
base = []
for _ in range(N_BASE):
    base.append(new_patent())

for p in base:
    if p.kind != "des" and rng.random() < 0.08:
        p.family = gen_family(p)

# a few portfolio-column pledges and awards on random granted inventions
granted_inv = [p for p in base if p.kind == "inv" and p.grant is not None]
for amt in ["1200", "999.99", "1000", "300", "500", "1500", "50", "2000", "800", "150.5",
            "1000.00", "2500", "90", "600"]:
    p = pick(granted_inv)
    if not p.pledge:
        p.pledge = amt
AWARD_CELLS = ["中国专利金奖(2019)", "中国专利优秀奖(2021)", "国家技术发明奖(2018)", "中国专利银奖",
               "广东省专利金奖(2020)", "中国专利金奖(2027)", "中国专利优秀奖(2016)", "中国专利优秀奖(2023)",
               "国家科学技术进步奖(2019)", "中国专利银奖(2022)", "浙江省专利金奖(2021)",
               "中国专利优秀奖(2020);广东省专利优秀奖(2019)", "国家技术发明奖(2020)", "中国专利优秀奖(2024)",
               "中国专利优秀奖(2025)", "中国专利优秀奖(2018)", "中国专利银奖(2020)", "上海市科技进步奖(2017)",
               "中国专利优秀奖(2022)", "中国专利金奖(2021)"]
for a in AWARD_CELLS:
    while True:
        p = pick(granted_inv)
        if not p.awards and p.grant.year <= 2022:
            p.awards = a
            break

# --------------------------------------------------------------------------
# Edge cases (reserved serial block 1999xxx)
# --------------------------------------------------------------------------
edges = []
_edge_serial = [EDGE_BLOCK]
_edge_holder = [0]
EDGE_HOLDERS = ["清华大学", "浙江大学", "上海交通大学", "哈尔滨工业大学", "华中科技大学", "北京大学",
                "东南大学", "中山大学", "深圳大学", "南方科技大学"]


def edge(label, expect, filing=None, grant="default", status="有效",
         lapse=None, ipc=("F16B 5/00",), kind="inv", holders=None, title=None, typ=None,
         in_truth=True):
    p = Patent()
    _edge_serial[0] += 1
    if filing is None:  # spread the default dates: filed 2016-01-20 .. 2017-09, granted ~500 days later
        filing = dt.date(2016, 1, 20) + dt.timedelta(days=5 * (_edge_serial[0] - EDGE_BLOCK))
    if grant == "default":
        grant = filing + dt.timedelta(days=480 + (_edge_serial[0] % 7) * 9)
    p.kind = kind
    p.filing = filing
    t = TYPE_DIGIT[kind] if typ is None else typ
    if filing.year >= 2003:
        p.app = make_app(filing.year, t, _edge_serial[0])
    else:
        p.app = make_app(filing.year, t, 99000 + _edge_serial[0] - EDGE_BLOCK)
    assert p.app not in used_apps
    used_apps.add(p.app)
    p.grant = grant
    p.status = status
    p.lapse = lapse
    p.ipc = list(ipc)
    granted = grant is not None or status == "有效"
    p.pubnum = new_pub(kind, filing)
    p.pubkind = kind_code(kind, granted and status not in ("审中", "驳回", "撤回"), filing)
    if holders is None:
        holders = [EDGE_HOLDERS[_edge_holder[0] % len(EDGE_HOLDERS)]]
        _edge_holder[0] += 1
    p.applicants = list(holders)
    p.holders = list(holders)
    if title is None:
        if kind == "des":
            title = "台灯"
        elif ipc and ipc[0] == "F16B 5/00":
            title = pick(F16B_TITLES)
        elif ipc and [t for t, c in MECH_PAIRS if c == ipc[0]]:
            title = pick([t for t, c in MECH_PAIRS if c == ipc[0]])
        elif ipc and not any(is_sei(c) for c in ipc):
            title = t_mech()[0]
        else:
            title = t_ai()
        if kind == "utl":
            title = title.replace("方法", "装置")
    p.title = title
    p.edge = (label, expect)
    p.in_truth = in_truth
    edges.append(p)
    return p


D = dt.date
# --- eligibility and D3 boundaries (non-SEI IPC, nothing else) ---
edge("D3: filed 2015-12-30, 10y+1d at as_of", "eligible, D3 true", filing=D(2015, 12, 30), grant=D(2018, 4, 3))
edge("D3: filed 2015-12-30 (2nd)", "eligible, D3 true", filing=D(2015, 12, 30), grant=D(2019, 1, 8))
edge("D3: filed 2015-12-31, exactly 10y at as_of", "eligible, D3 false", filing=D(2015, 12, 31),
     grant=D(2018, 7, 20))
edge("D3: filed 2015-12-31 (2nd)", "eligible, D3 false", filing=D(2015, 12, 31), grant=D(2017, 11, 14))
edge("D3: filed 2016-01-01", "eligible, D3 false", filing=D(2016, 1, 1), grant=D(2018, 9, 25))
edge("D3: filed 2016-01-01 (2nd)", "eligible, D3 false", filing=D(2016, 1, 1), grant=D(2019, 3, 12))
edge("D3 prev-year: filed 2014-12-30", "eligible, D3 true (also true at 2024-12-31)",
     filing=D(2014, 12, 30), grant=D(2017, 6, 6))
edge("D3 prev-year: filed 2014-12-31", "eligible, D3 true (false at 2024-12-31)",
     filing=D(2014, 12, 31), grant=D(2017, 8, 1))
edge("expiry: filed 2005-12-31, status 有效, no lapse date", "NOT eligible (20y reached on as_of)",
     filing=D(2005, 12, 31), grant=D(2008, 10, 15))
edge("expiry: filed 2005-12-31, 届满, lapse 2025-12-31", "NOT eligible", filing=D(2005, 12, 31),
     grant=D(2009, 2, 4), status="届满", lapse=D(2025, 12, 31))
edge("expiry: filed 2006-01-01, 有效", "eligible, D3 true", filing=D(2006, 1, 1), grant=D(2008, 12, 24))
edge("expiry: filed 2006-01-01 (2nd)", "eligible, D3 true", filing=D(2006, 1, 1), grant=D(2009, 5, 27))
edge("expiry prev-year: filed 2004-12-31, 有效", "NOT eligible (expired 2024-12-31)", filing=D(2004, 12, 31),
     grant=D(2007, 9, 12))
edge("29 Feb: filed 2004-02-29, 有效", "NOT eligible (expired 2024-02-28)", filing=D(2004, 2, 29),
     grant=D(2006, 8, 30))
edge("29 Feb: filed 2008-02-29", "eligible, D3 true", filing=D(2008, 2, 29), grant=D(2010, 11, 3))
edge("29 Feb: filed 2012-02-29", "eligible, D3 true", filing=D(2012, 2, 29), grant=D(2014, 7, 16))
edge("29 Feb: filed 2016-02-29", "eligible, D3 false (10y = 2026-02-28)", filing=D(2016, 2, 29),
     grant=D(2018, 5, 22))
edge("lapse date = as_of", "NOT eligible (eligible at 2024-12-31)", status="失效", lapse=D(2025, 12, 31))
edge("lapse date after as_of, status 失效", "eligible", status="失效", lapse=D(2026, 1, 15))
edge("lapse date 2026-03-02, status 终止", "eligible", status="终止", lapse=D(2026, 3, 2))
edge("status 失效, no lapse date", "NOT eligible", status="失效")
edge("status 无效, no date", "NOT eligible", status="无效")
edge("grant date = as_of", "eligible (not at 2024-12-31)", filing=D(2022, 3, 1), grant=D(2025, 12, 31))
edge("grant date after as_of (2026-01-06)", "NOT eligible", filing=D(2022, 6, 1), grant=D(2026, 1, 6))
edge("status 有效, no grant date", "eligible (in-force status = granted)", grant=None)
edge("status 审中, no grant date", "NOT eligible", filing=D(2023, 4, 11), grant=None, status="审中")
edge("pre-2003 number, 届满", "NOT eligible", filing=D(2001, 6, 18), grant=D(2004, 3, 10), status="届满")
edge("pre-2003 number, stale 有效", "NOT eligible (expired 2022)", filing=D(2002, 9, 9), grant=D(2005, 1, 5))
edge("PCT national phase (type digit 8)", "eligible, invention by type digit", typ=8,
     filing=D(2018, 3, 15), grant=D(2021, 2, 2))
# --- kind inference ---
p = edge("kind empty, type digit 1", "invention, eligible", ipc=("G06N 3/08",))
p.kind_cell = ""
p = edge("kind empty, type digit 2 (utility model) with SEI IPC", "out of scope (utility model)",
         kind="utl", ipc=("H04W 72/04",), grant=D(2018, 2, 2))
p.kind_cell = ""
p = edge("kind empty, type digit 3 (design)", "out of scope (design)", kind="des", ipc=(),
         grant=D(2017, 12, 1))
p.kind_cell = ""
p.ipc_cell = ""
p = edge("kind 实用新型 with SEI IPC, US family, pledge, award", "out of scope (utility model)", kind="utl",
         ipc=("G06N 3/08",), grant=D(2018, 1, 9))
p.family = ["US10987654B2"]
p.pledge = "2000"
p.awards = "中国专利优秀奖(2020)"
# --- D1 ---
edge("D1: main non-SEI, additional SEI", "D1 true via G06N 3/08", ipc=("A47J 27/00", "G06N 3/08"),
     title="一种基于神经网络的智能电饭煲")
p = edge("D1: WIPO 14-char form", "D1 true (1.5)", ipc=("G06N 3/08",))
p.ipc_cell = "G06N0003080000"
p = edge("D1: H01L 31/18 (2006.01) legacy", "D1 true (1.2 and 6.3)", ipc=("H01L 31/18",),
         title="一种钙钛矿太阳能电池及其制备方法")
p.ipc_cell = "H01L 31/18 (2006.01)"
p = edge("D1: G06K9/62 legacy", "D1 true (1.5)", ipc=("G06K 9/62",))
p.ipc_cell = "G06K9/62"
edge("D1: G06V 10/82 legacy successor", "D1 true (1.5)", ipc=("G06V 10/82",))
p = edge("D1: H10K 50/00 legacy successor", "D1 true (1.2)", ipc=("H10K 50/00",),
         title="一种有机发光二极管显示面板及其制备方法")
p.ipc_cell = "H10K 50/00"
edge("D1: H10F 10/00 legacy successor (photovoltaics)", "D1 true (1.2 and 6.3)", ipc=("H10F 10/00",),
     filing=D(2020, 5, 6), grant=D(2022, 8, 9), title="一种异质结太阳能电池及其制备方法")
edge("D1: G16H 50/20 via subclass/class", "D1 true", ipc=("G16H 50/20",), title="一种基于深度学习的疾病风险预测方法")
p = edge("D1: full-width spelling", "D1 true (1.5)", ipc=("G06N 3/08",))
p.ipc_cell = ipc_spell("G06N 3/08", "fullwidth")
p = edge("D1: lower-case spelling", "D1 true (1.1)", ipc=("G06F 18/24",))
p.ipc_cell = "g06f 18/24;f16b 5/00"
edge("D1: B33Y 10/00 only (not in the table)", "D1 false", ipc=("B33Y 10/00",), title="一种钛合金的增材制造方法")
edge("D1: only non-SEI codes", "D1 false", ipc=("A63B 21/00", "F16B 5/00"))
edge("D1: E04B 1/00 (listed in the table, 3.4)", "D1 true", ipc=("E04B 1/00",), title="一种装配式建筑墙体连接结构")
edge("D1: SEI but lapsed", "NOT eligible", ipc=("G06N 3/08",), status="失效", lapse=D(2023, 5, 10))
# --- D2 ---
p = edge("D2: US granted member", "D2 true")
p.family = ["US10123456B2"]
p = edge("D2: WO only", "D2 false")
p.family = ["WO2019123456A1"]
p = edge("D2: EP A1 + JP A only", "D2 false")
p.family = ["EP3456789A1", "JP2019123456A"]
p = edge("D2: bare jurisdiction US", "D2 true (grant unknown)")
p.family = ["US"]
p = edge("D2: CN + WO members only", "D2 false")
p.family = [p.pub, "WO2020234567A1"]
p = edge("D2: KR granted member", "D2 true")
p.family = ["KR102345678B1"]
p = edge("D2: TW granted member only", "D2 true by default (false if TW not overseas)")
p.family = ["TWI701234B"]
p = edge("D2: HK member only (A)", "D2 false (kind A)")
p.family = ["HK1234567A1"]
p = edge("D2: member given only in families.csv (EP B1)", "D2 true")
p = edge("D2: families.csv via ZL spelling + portfolio WO", "D2 true (from families.csv)")
p.family = ["WO2018112233A1"]
p = edge("D2: US granted but patent lapsed", "NOT eligible", status="失效")
p.family = ["US10555666B2"]
p = edge("D2: US family on a pending application", "NOT eligible", status="审中", grant=None,
         filing=D(2023, 8, 8))
p.family = ["US20240123456A1", "WO2024012345A1"]
# --- D4 (portfolio column) ---
p = edge("D4: pledge_amount 1000", "D4 true")
p.pledge = "1000"
p = edge("D4: pledge_amount 999.99", "D4 false")
p.pledge = "999.99"
p = edge("D4: pledge_amount 1200", "D4 true")
p.pledge = "1200"
p = edge("D4: pledge_amount 600 + contract share 400", "D4 true (1000)")
p.pledge = "600"
# --- D4 (contracts, pledges.csv) ---
for i in range(3):
    edge("D4: contract PL-EQ 3000/3 = 1000", "D4 true (equal share exactly 1000)")
for i in range(3):
    edge("D4: contract PL-UNDER 2999.97/3 = 999.99", "D4 false")
edge("D4: contract PL-FUTURE 5000 registered 2026-03-01", "D4 false at 2025-12-31")
edge("D4: contract PL-UNDATED 1500, no date", "D4 true")
edge("D4: two contracts 800 + 1200/6", "D4 true (1000)")
for i in range(5):
    edge("D4: contract PL-SHARE5 3000/5", "D4 false with equal (600), true with full")
for i in range(2):
    edge("D4: contract PL-DUPNAME 2000 names one patent twice (two spellings)",
         "D4 true (2 distinct patents -> 1000 each)")
edge("D4: contract PL-ASOF 1000 registered 2025-12-31", "D4 true")
for i in range(6):
    edge("D4: six rolling contracts PL-ROLL-2019..2024, each 1000/6 over the same 6 patents",
         "D4 true (exactly 1000; float sum gives 999.9999999999999)")
edge("D4: contract 3000 on a lapsed patent", "NOT eligible", status="失效", lapse=D(2024, 6, 30))
# --- D5 ---
for label, cell, expect in [
    ("D5: 中国专利金奖(2019)", "中国专利金奖(2019)", "D5 true"),
    ("D5: 中国专利优秀奖(2021)", "中国专利优秀奖(2021)", "D5 true"),
    ("D5: 国家技术发明奖(2018)", "国家技术发明奖(2018)", "D5 true"),
    ("D5: 中国专利银奖 (no year)", "中国专利银奖", "D5 true"),
    ("D5: 广东省专利金奖(2020) provincial", "广东省专利金奖(2020)", "D5 false"),
    ("D5: 中国专利金奖(2027) future", "中国专利金奖(2027)", "D5 false"),
    ("D5: two awards, one national", "广东省专利金奖(2018);中国专利优秀奖(2019)", "D5 true"),
    ("D5: 中国专利优秀奖(2025) = as_of year", "中国专利优秀奖(2025)", "D5 true (false at 2024-12-31)"),
]:
    p = edge(label, expect)
    p.awards = cell
for label, expect in [
    ("D5: awards.csv 中国专利奖/金奖/2020-07-15, referenced by pub no", "D5 true"),
    ("D5: awards.csv 国家科学技术进步奖/二等奖/2019-12-20", "D5 true"),
    ("D5: awards.csv 湖北省科学技术进步奖/一等奖/2020", "D5 false"),
    ("D5: awards.csv 中国专利奖/优秀奖/2025 (bare year)", "D5 true"),
    ("D5: awards.csv 中国专利奖/金奖/2026-07-01", "D5 false"),
    ("D5: awards.csv 国家技术发明奖/二等奖/(empty date)", "D5 true (undated counts)"),
]:
    edge(label, expect)
# --- all five at once ---
p = edge("all five dimensions", "eligible, D1..D5 true", filing=D(2012, 4, 17), grant=D(2014, 10, 22),
         ipc=("G06N 3/08", "G06V 10/82"), holders=["清华大学"])
p.family = ["US9876543B2", "EP2987654B1", "WO2013123456A1"]
p.pledge = "1000"
p.awards = "中国专利金奖(2019)"
# --- ownership ---
p = edge("owner: applicant 清华大学, holder 华为 (assigned)", "not counted for 清华大学",
         holders=["华为技术有限公司"], ipc=("G06N 3/08",))
p.applicants = ["清华大学"]
p = edge("owner: holders empty -> applicants 浙江大学", "counted for 浙江大学", holders=["浙江大学"],
         ipc=("G06N 3/08",))
p.holders = []
p.holders_cell = ""
p = edge("owner: TSINGHUA UNIV", "counted for 清华大学", holders=["清华大学"], ipc=("G06N 3/08",))
p.holders_cell = "TSINGHUA UNIV"
p = edge("owner: Tsinghua University;华为技术有限公司", "counted for both", holders=["清华大学", "华为技术有限公司"],
         ipc=("G06N 3/08",))
p.holders_cell = "Tsinghua University;华为技术有限公司"
p.app_names_cell = "Tsinghua University;华为技术有限公司"
edge("owner: co-held by two universities", "counted for both (0.5 each fractional)",
     holders=["清华大学", "北京大学"], ipc=("G06N 3/08",))
p = edge("owner: full-width spaces around", "counted for 浙江大学", holders=["浙江大学"], ipc=("G06N 3/08",))
p.holders_cell = "\u3000浙江大学\u3000"
p = edge("owner: full-width letters", "counted for 清华大学", holders=["清华大学"], ipc=("G06N 3/08",))
p.holders_cell = "ＴＳＩＮＧＨＵＡ　ＵＮＩＶ"
p = edge("owner: HARBIN INSTITUTE OF TECHNOLOGY (word rule would say institute)",
         "counted for 哈尔滨工业大学", holders=["哈尔滨工业大学"], ipc=("G06N 3/08",))
p.holders_cell = "HARBIN INSTITUTE OF TECHNOLOGY"
p = edge("owner: 腾讯 full-width brackets", "same enterprise as 腾讯科技(深圳)有限公司",
         holders=["腾讯科技(深圳)有限公司"], ipc=("G06N 3/08",))
p.holders_cell = "腾讯科技（深圳）有限公司"
edge("owner: individual", "type individual", holders=["张伟"], ipc=("G06N 3/08",))
edge("owner: hospital + university", "counted for 中山大学", holders=["北京协和医院", "中山大学"], ipc=("A61B 5/00",),
     title="一种可穿戴心电监测装置")
# --- numbers ---
p = edge("number: app_no with CN prefix", "id CN+app", ipc=("G06N 3/08",))
p.app_cell = "CN" + p.app
p = edge("number: app_no with ZL prefix, no dot", "id CN+app", ipc=("G06N 3/08",))
p.app_cell = "ZL" + p.app.replace(".", "")
p = edge("number: app_no with full-width digits", "id CN+app", ipc=("G06N 3/08",))
p.app_cell = "".join(chr(ord(c) + 0xFEE0) for c in p.app)
p = edge("number: wrong check digit", "warning; kept with digit as written", ipc=("G06N 3/08",))
good = p.app
bad = good[:-1] + ("0" if good[-1] != "0" else "1")
p.app = bad
p.app_cell = bad
p.edge = (p.edge[0] + " (correct: %s)" % good, p.edge[1])
p = edge("number: pre-2003 wrong check digit", "warning; kept", filing=D(2000, 3, 3), grant=D(2003, 7, 7),
         status="届满", lapse=D(2020, 3, 3))
good = p.app
bad = good[:-1] + ("0" if good[-1] != "0" else "1")
p.app = bad
p.app_cell = bad
p.edge = (p.edge[0] + " (correct: %s)" % good, p.edge[1])
p = edge("number: pub only (granted B)", "id CN<pub digits>; invention by kind B", ipc=("G06N 3/08",))
p.app_cell = ""
p.app = ""
p.kind_cell = ""
p = edge("number: pub only, kind empty, utility model (U)", "out of scope", kind="utl",
         ipc=("G06N 3/08",), grant=D(2018, 3, 3))
p.app_cell = ""
p.app = ""
p.kind_cell = ""

# title quoting
edges[0].title = "一种\"双碳\"目标下的螺栓连接结构"
edges[1].title = "一种用于锂电池,超级电容的防泄漏截止阀"

# --------------------------------------------------------------------------
# Side tables
# --------------------------------------------------------------------------
def fw(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def spell(p):
    """Any accepted spelling of the patent's number."""
    if not p.app:
        return pick([p.pub, p.pub, p.pubnum])
    r = rng.random()
    if r < 0.35:
        return "CN" + p.app
    if r < 0.55:
        return p.app
    if r < 0.70:
        return "ZL" + p.app
    if r < 0.75:
        return p.app.replace(".", "")
    return p.pub


def find_edge(prefix):
    return [e for e in edges if e.edge[0].startswith(prefix)]


families = []  # (patent cell, member)
side_notes = []
# edge: member only in families.csv
e = find_edge("D2: member given only in families.csv")[0]
families.append(("CN" + e.app, "EP3345678B1"))
families.append(("CN" + e.app, "WO2017098765A1"))
e = find_edge("D2: families.csv via ZL spelling")[0]
families.append(("ZL" + e.app, "US11223344B2"))
families.append((fw(e.app), "JP2019501234A"))  # full-width digits
# random: granted university inventions, mostly
cands = [p for p in base if p.kind == "inv" and p.app_cell != "" and p.grant is not None]
fam_targets = []
while len(fam_targets) < 62:
    p = pick(cands)
    if p not in fam_targets:
        fam_targets.append(p)
pub_only_inv = [p for p in base if p.kind == "inv" and not p.app and p.grant is not None]
for p in pub_only_inv[:4]:
    fam_targets.append(p)
for i, p in enumerate(fam_targets):
    ms = gen_family(p)
    if i < 3 and p.app and p.pubkind == "B":
        ref = p.pubnum + "A"  # the A publication of a granted patent
        side_notes.append("families.csv: %s refers to %s (portfolio pub_no %s)" % (ref, p.app, p.pub))
    elif i == 3 and p.app:
        ref = "CN " + p.app  # a space after the prefix
        side_notes.append("families.csv: '%s' (space after prefix)" % ref)
    else:
        ref = spell(p)
    for m in ms:
        families.append((ref, m))
    if i % 9 == 0:  # the same member listed twice (portfolio + table, or twice in the table)
        families.append((ref, ms[-1]))
# members for patents not in the portfolio
ORPHANS = [make_app(2021, 1, 1999998), make_app(2020, 1, 1999999)]
families.append(("CN" + ORPHANS[0], "US11999999B2"))
families.append(("CN" + ORPHANS[1], "EP3999999A1"))

# --- pledges ---
pledges = []  # (contract, patent cell, amount, date)


def contract(cid, pats, amount, date, spells=None):
    cells = spells if spells else [spell(q) for q in pats]
    for c in cells:
        pledges.append((cid, c, amount, date))


def one(prefix, i=0):
    return find_edge(prefix)[i]


contract("PL-EQ-0001", find_edge("D4: contract PL-EQ"), "3000", "2023-05-18")
contract("PL-UNDER-0001", find_edge("D4: contract PL-UNDER"), "2999.97", "2024-02-01")
contract("PL-FUTURE-0001", find_edge("D4: contract PL-FUTURE"), "5000", "2026-03-01")
contract("PL-UNDATED-0001", find_edge("D4: contract PL-UNDATED"), "1500", "")
e2 = one("D4: two contracts")
contract("PL-TWO-A", [e2], "800", "2021-09-09")
e600 = one("D4: pledge_amount 600 + contract")
contract("PL-SHARE5", find_edge("D4: contract PL-SHARE5"), "3000", "2022-11-30")
dupn = find_edge("D4: contract PL-DUPNAME")
contract("PL-DUPNAME", dupn, "2000", "2023-03-03",
         spells=["CN" + dupn[0].app, "ZL" + dupn[0].app.replace(".", ""), dupn[1].app])
contract("PL-ASOF", [one("D4: contract PL-ASOF")], "1000", "2025-12-31")
roll = find_edge("D4: six rolling contracts")
for y in range(2019, 2025):
    contract("PL-ROLL-%d" % y, roll, "1000", "%d-06-30" % y)
contract("PL-LAPSED", [one("D4: contract 3000 on a lapsed patent")], "3000", "2022-01-20")
# random contracts
pledge_pool = [p for p in base if p.kind == "inv" and p.grant is not None and p.app_cell != ""]
rand_contract_pats = []
used_cids = []
n_rand = 0


def distinct_from_pool(n, registered):
    out = []
    while len(out) < n:
        q = pick(pledge_pool)
        if q not in out and q.grant <= registered - dt.timedelta(days=30):
            out.append(q)
    return out


contract("PL-TWO-B", [e2] + distinct_from_pool(5, D(2022, 4, 12)), "1200", "2022-04-12")
contract("PL-600-400", [e600] + distinct_from_pool(2, D(2024, 8, 8)), "1200", "2024-08-08")
while n_rand < 66:
    k = rng.choices([1, 2, 3, 4, 5], [40, 20, 15, 10, 15])[0]
    owner = pick(pledge_pool).owners()
    same = [q for q in pledge_pool if q.owners() == owner] if owner else pledge_pool
    pats = []
    while len(pats) < min(k, len(same)):
        q = pick(same)
        if q not in pats:
            pats.append(q)
    first_grant = max(q.grant for q in pats)
    if first_grant > dt.date(2025, 10, 1):
        continue
    reg = first_grant + dt.timedelta(days=rng.randint(30, max(31, (dt.date(2026, 3, 20) - first_grant).days)))
    amount = rng.choice(["100", "200", "300", "500", "500", "800", "1000", "1000", "1200", "1500", "2000",
                         "3000", "5000", "10000", "450.5", "680", "2500", "6000"])
    n_rand += 1
    cid = "ZY%04d%05d" % (reg.year, rng.randint(1, 99999))
    assert cid not in used_cids
    used_cids.append(cid)
    rand_contract_pats.append(pats)
    contract(cid, pats, amount, reg.isoformat() if rng.random() > 0.05 else "")

# --- awards ---
awards = []  # (patent, award, level, date)
awards.append((one("D5: awards.csv 中国专利奖/金奖").pub, "中国专利奖", "金奖", "2020-07-15"))
awards.append((spell(one("D5: awards.csv 国家科学技术进步奖")), "国家科学技术进步奖", "二等奖", "2019-12-20"))
awards.append((spell(one("D5: awards.csv 湖北省")), "湖北省科学技术进步奖", "一等奖", "2020"))
awards.append((spell(one("D5: awards.csv 中国专利奖/优秀奖/2025")), "中国专利奖", "优秀奖", "2025"))
awards.append((spell(one("D5: awards.csv 中国专利奖/金奖/2026")), "中国专利奖", "金奖", "2026-07-01"))
awards.append((spell(one("D5: awards.csv 国家技术发明奖")), "国家技术发明奖", "二等奖", ""))
award_pool = [p for p in base if p.kind == "inv" and p.grant is not None and p.grant.year <= 2023
              and p.app_cell != ""]
AW = [("中国专利奖", "优秀奖", 40), ("中国专利奖", "银奖", 8), ("中国专利奖", "金奖", 4),
      ("国家科学技术进步奖", "二等奖", 6), ("国家技术发明奖", "二等奖", 5), ("国家技术发明奖", "一等奖", 1),
      ("湖北省科学技术进步奖", "一等奖", 5), ("广东省专利奖", "金奖", 4), ("广东省专利奖", "银奖", 3),
      ("浙江省科学技术进步奖", "二等奖", 3), ("北京市科学技术奖", "一等奖", 2)]
while len(awards) < 62:
    p = pick(award_pool)
    a, lvl, _ = rng.choices(AW, [x[2] for x in AW])[0]
    y = rng.randint(p.grant.year + 1, min(p.grant.year + 6, 2025))
    if rng.random() < 0.5:
        date = "%d" % y
    else:
        date = (dt.date(y, 1, 1) + dt.timedelta(days=rng.randint(150, 340))).isoformat()
    awards.append((spell(p), a, lvl, date))

# --------------------------------------------------------------------------
# Duplicates, non-CN rows, malformed rows
# --------------------------------------------------------------------------
extra_rows = []  # (row list, note)
dup_notes = []
dup_src = [p for p in base if p.kind == "inv" and p.pubkind == "B" and p.app and p.app_cell is None]
picked = []
while len(picked) < 30:
    q = pick(dup_src)
    if q not in picked:
        picked.append(q)
for i, q in enumerate(picked):
    row = q.row()
    if i < 14:  # the A publication of a granted invention: same app_no, no grant date
        row[1] = q.pubnum + "A"
        row[5] = ""
        note = "A/B pair"
    elif i < 26:
        note = "exact duplicate"
    else:
        row[0] = rng.choice(["CN", "ZL"]) + q.app if i % 2 else q.app.replace(".", "")
        note = "same app_no, other spelling"
    extra_rows.append(row)
    dup_notes.append((q.app, note))
# pub-only A/B pair
q = [p for p in base if not p.app and p.kind == "inv" and p.pubkind == "B"][0]
row = q.row()
row[1] = q.pubnum + "A"
row[5] = ""
extra_rows.append(row)
dup_notes.append((q.pub, "A/B pair, no app_no"))

non_cn = [
    ["", "US10123456B2", "Image recognition method based on deep learning", "发明", "2017-03-01",
     "2018-11-13", "有效", "", "G06N 3/08", "Tsinghua University", "Tsinghua University", "CN107123456A", "", ""],
    ["", "EP3456789B1", "Lithium ion battery cathode material", "", "2018-06-20", "2021-08-04", "有效", "",
     "H01M 10/0525", "ZHEJIANG UNIVERSITY", "ZHEJIANG UNIVERSITY", "", "", ""],
    ["", "JP6543210B2", "無線通信システムにおけるリソース割当方法", "", "2016-09-09", "2019-07-17", "有效", "",
     "H04W 72/04", "HUAWEI TECHNOLOGIES CO., LTD.", "", "", "", ""],
    ["", "WO2019123456A1", "一种基于深度学习的图像识别方法", "发明", "2019-06-27", "", "", "", "G06N 3/08",
     "清华大学", "清华大学", "", "", ""],
]
mal = []
row = ["20191012X456.7", new_pub("inv", dt.date(2019, 1, 12)) + "B", pick(F16B_TITLES), "发明", "2019-01-12",
       "2021-03-16", "有效", "", "F16B 5/00", "浙江大学", "浙江大学", "", "", ""]
mal.append((row, "app_no 20191012X456.7 (letter inside)"))
q2 = edge("malformed: filing_date 2019-02-30", "reject or warning (impossible date)",
          filing=D(2019, 2, 28), grant=D(2021, 6, 1), in_truth=False)
q2.filing_cell = "2019-02-30"
row = ["", "", "一种无编号的测试方法", "发明", "2018-05-05", "", "有效", "", "G06N 3/08", "清华大学", "清华大学",
       "", "", ""]
mal.append((row, "no number at all"))

# --------------------------------------------------------------------------
# Assemble and write
# --------------------------------------------------------------------------
HEADER = ["app_no", "pub_no", "title", "kind", "filing_date", "grant_date", "status", "lapse_date", "ipc",
          "applicants", "holders", "family", "pledge_amount", "awards"]
rows = [p.row() for p in base] + [p.row() for p in edges] + extra_rows + non_cn + [r for r, _ in mal]
rng.shuffle(rows)

# The quality columns (SPEC §12), from a generator of their own so that the columns
# before them are as they were: claims mostly 5-20, forward citations skewed (half 0,
# a few hundred at most), backward citations 0-15; 5% of cells empty (unknown).
qrng = random.Random(12)
HEADER += ["claims", "cited_by", "cites"]


def quality_cells():
    claims = 20 + qrng.randrange(21) if qrng.random() < 0.1 else 5 + qrng.randrange(16)
    cited_by = min(2000, int((1 / (1 - qrng.random())) ** 0.8 - 1))
    cites = qrng.randrange(16)
    return ["" if qrng.random() < 0.05 else str(v) for v in (claims, cited_by, cites)]


def patent_key(row):
    """The rows of one patent (duplicates, A/B pairs, other spellings) share their counts."""
    import unicodedata
    number = unicodedata.normalize("NFKC", row[0] or row[1]).upper()
    number = "".join(c for c in number if c.isalnum())
    for prefix in ("CN", "ZL"):
        number = number.removeprefix(prefix)
    return number[:-1] if row[0] == "" and number[-1:].isalpha() else number[:-1] if len(number) in (9, 13) else number


counts = {}
rows = [r + counts.setdefault(patent_key(r), quality_cells()) for r in rows]


def write_csv(name, header, data):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in data:
            w.writerow(r)


write_csv("portfolio.csv", HEADER, rows)
write_csv("families.csv", ["patent", "member"], families)
write_csv("pledges.csv", ["contract_id", "patent", "amount_wan", "registered_on"], pledges)
write_csv("awards.csv", ["patent", "award", "level", "date"], awards)

# --------------------------------------------------------------------------
# Indicative oracle from ground truth (not from parsing the files)
# --------------------------------------------------------------------------
truth = [p for p in base + edges if p.in_truth]
by_key = {}
for p in truth:
    by_key["CN" + p.app if p.app else p.pubnum] = p
    by_key["PUB:" + p.pubnum] = p


def resolve(cell):
    s = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in cell).replace(" ", "")
    for pre in ("CN", "ZL"):
        if s.startswith(pre):
            s = s[2:]
    if s and s[-1] in "ABCUSYD" and "." not in s:
        s = s[:-1]
    if "." not in s and len(s) in (9, 13) and (len(s) == 13 or s[:2] in ("85", "86", "87", "88", "89", "90", "91", "92", "93", "94", "95", "96", "97", "98", "99", "00", "01", "02")):
        s = s[:-1] + "." + s[-1]
    if "CN" + s in by_key:
        return by_key["CN" + s]
    return by_key.get("PUB:CN" + s)


def eligible(p, d):
    if p.kind != "inv":
        return False
    granted = (p.grant <= d) if p.grant else (p.status == "有效")
    lapsed = (p.lapse <= d) if p.lapse else (p.status in DEAD)
    return granted and not lapsed and d < add_years(p.filing, 20)


NATIONAL = ("中国专利金奖", "中国专利银奖", "中国专利优秀奖", "国家自然科学奖", "国家技术发明奖",
            "国家科学技术进步奖", "国家最高科学技术奖")


def award_dates(p):
    out = []
    for a in p.awards.split(";") if p.awards else []:
        name, y = (a[:-6], int(a[-5:-1])) if a.endswith(")") else (a, None)
        out.append((name, D(y, 12, 31) if y else None))
    return out


side_awards = {}
for cell, a, lvl, date in awards:
    q = resolve(cell)
    if q is None:
        continue
    name = a.replace("奖", "") + lvl if a == "中国专利奖" else a
    d = None
    if date:
        d = D(int(date), 12, 31) if len(date) == 4 else D.fromisoformat(date)
    side_awards.setdefault(id(q), []).append((name, d))
side_fam = {}
for cell, m in families:
    q = resolve(cell)
    if q is not None:
        side_fam.setdefault(id(q), []).append(m)
contracts = {}
for cid, cell, amt, date in pledges:
    contracts.setdefault(cid, [Fraction(amt), date, []])
    q = resolve(cell)
    if q is not None and q not in contracts[cid][2]:
        contracts[cid][2].append(q)
    elif q is None:
        contracts[cid][2].append(cell)  # unresolved still counts as a distinct patent


def d2(p):
    for m in p.family + side_fam.get(id(p), []):
        j = m[:2]
        if j in ("CN", "WO"):
            continue
        kc = m[2:].lstrip("0123456789I")
        if m == j or kc[:1] in ("B", "C", "E"):
            return True
    return False


def pledge_total(p, d):
    tot = Fraction(p.pledge) if p.pledge else Fraction(0)
    for amt, date, pats in contracts.values():
        if p in pats and (not date or D.fromisoformat(date) <= d):
            tot += amt / len(pats)
    return tot


def dims(p, d):
    return {
        "d1": p.sei(),
        "d2": d2(p),
        "d3": d > add_years(p.filing, 10),
        "d4": pledge_total(p, d) >= 1000,
        "d5": any(n in NATIONAL and (dd is None or dd <= d)
                  for n, dd in award_dates(p) + side_awards.get(id(p), [])),
    }


def tally(d):
    t = {u: {"patents": 0, "inv": 0, "valid": 0, "hv": 0, "d1": 0, "d2": 0, "d3": 0, "d4": 0, "d5": 0}
         for u in UNIV_NAMES}
    for p in truth:
        for o in p.owners():
            if o not in t:
                continue
            x = t[o]
            x["patents"] += 1
            x["inv"] += p.kind == "inv"
            if eligible(p, d):
                x["valid"] += 1
                ds = dims(p, d)
                for k, v in ds.items():
                    x[k] += v
                x["hv"] += any(ds.values())
    return t


def main_report():
    inv = [p for p in truth if p.kind == "inv"]
    sei_share = sum(p.sei() for p in inv) / len(inv)
    print("portfolio.csv rows: %d (base %d, edge %d, duplicates %d, non-CN %d, malformed %d)" % (
        len(rows), len(base), len(edges), len(extra_rows), len(non_cn), len(mal) + 1))
    print("families.csv rows: %d   pledges.csv rows: %d (contracts %d)   awards.csv rows: %d" % (
        len(families), len(pledges), len(contracts), len(awards)))
    kinds = {"inv": 0, "utl": 0, "des": 0}
    for p in truth:
        kinds[p.kind] += 1
    print("kinds (truth): %s; SEI share among inventions: %.1f%%" % (kinds, 100 * sei_share))
    status_counts = {}
    for p in truth:
        status_counts[p.status] = status_counts.get(p.status, 0) + 1
    print("status:", ", ".join("%s %d" % (k, status_counts[k]) for k in sorted(status_counts)))
    for d in (AS_OF, AS_OF_PREV):
        print("\nIndicative per-university tally as of %s (full counting, equal apportioning, "
              "ground truth, malformed rows excluded):" % d)
        print("%-10s %8s %5s %6s %4s %4s %4s %4s %4s %4s" % ("university", "patents", "inv", "valid", "hv",
                                                             "d1", "d2", "d3", "d4", "d5"))
        t = tally(d)
        for u in UNIV_NAMES:
            x = t[u]
            print("%-10s %8d %5d %6d %4d %4d %4d %4d %4d %4d" % (u, x["patents"], x["inv"], x["valid"], x["hv"],
                                                                x["d1"], x["d2"], x["d3"], x["d4"], x["d5"]))
    print("\nEdge cases (number as in the portfolio's app_no column, or pub_no when app_no is empty):")
    for p in edges:
        num = p.row()[0] or p.pub
        print("  %-22s %s  ->  %s" % (num, p.edge[0], p.edge[1]))
    print("  %-22s %s" % ("20191012X456.7", "malformed app_no (reject)"))
    print("  %-22s %s" % ("(empty)", "row with no app_no and no pub_no (reject)"))
    for r in non_cn:
        print("  %-22s non-CN row (out of scope)" % r[1])
    print("\nDuplicates:")
    for a, n in dup_notes:
        print("  %s  %s" % (a, n))
    print("\nSide-table notes:")
    for n in side_notes:
        print("  " + n)
    print("  families.csv: orphans (not in the portfolio): %s" % ", ".join("CN" + o for o in ORPHANS))


def verify_reference():
    here = OUT
    ref = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "reference", "cn-patent-ipc",
                                        "ipc-sei.jsonl"))
    if not os.path.exists(ref):
        print("(reference concordance not found; SEI flags not re-verified)")
        return
    import json
    listed = set()
    with open(ref, encoding="utf-8") as f:
        for line in f:
            listed.add(json.loads(line)["ipcCode"])

    def m(code):
        sub, rest = code.split(" ")
        mg = rest.split("/")[0]
        return any(x in listed for x in (sub + rest, sub + mg + "/00", sub, sub[:3]))

    bad = [c for c in sorted(SEI_FILE) if not m(c)] + [c for c in sorted(NON_SEI) if m(c)] + \
          [c for c in sorted(SEI_LEGACY) if m(c)]
    print("SEI flags re-verified against %s: %s" % (ref, "OK" if not bad else "MISMATCH %s" % bad))


if __name__ == "__main__":
    main_report()
    verify_reference()
