#!/usr/bin/env python3
"""Draws the demo catalog's product images as small flat SVG illustrations.

Reads catalog.json beside this file and writes one 400x400 SVG per product to
services/frontend/web/public/images/products/<sku-lowercase>.svg. Standard
library only; the output is deterministic, so rerunning it changes nothing
unless a drawing below changed.

    /usr/bin/python3 services/product-service/demo/generate_images.py

Each category has its own backdrop (kitchen: warm cream and a terracotta disc,
home: sage and an arch, outdoor: sky, sun and hills, stationery: butter paper,
audio: deep indigo and rings, apparel: blush and a tilted tile); each product
is a drawing function below with its own colours.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = ROOT / "services" / "frontend" / "web" / "public" / "images" / "products"
MAX_BYTES = 3072


# ---- tiny element helpers --------------------------------------------------

def _attrs(**kw):
    parts = []
    for k, v in kw.items():
        if v is None:
            continue
        k = k.rstrip("_").replace("_", "-")
        parts.append('%s="%s"' % (k, v))
    return " ".join(parts)


def rect(x, y, w, h, fill, rx=None, **kw):
    return "<rect %s/>" % _attrs(x=x, y=y, width=w, height=h, rx=rx, fill=fill, **kw)


def circle(cx, cy, r, fill, **kw):
    return "<circle %s/>" % _attrs(cx=cx, cy=cy, r=r, fill=fill, **kw)


def ellipse(cx, cy, rx, ry, fill, **kw):
    return "<ellipse %s/>" % _attrs(cx=cx, cy=cy, rx=rx, ry=ry, fill=fill, **kw)


def path(d, fill="none", **kw):
    return "<path %s/>" % _attrs(d=d, fill=fill, **kw)


def line(x1, y1, x2, y2, stroke, width=4, **kw):
    return "<path %s/>" % _attrs(d="M%s %sL%s %s" % (x1, y1, x2, y2), stroke=stroke,
                                 stroke_width=width, stroke_linecap="round", **kw)


def group(transform, *children):
    return '<g transform="%s">%s</g>' % (transform, "".join(children))


def shadow(cx=200, cy=318, rx=110, ry=14, dark=True):
    return ellipse(cx, cy, rx, ry, "#000" if dark else "#fff", opacity=".09" if dark else ".07")


# ---- category backdrops ------------------------------------------------------

def bg_kitchen():
    return rect(0, 0, 400, 400, "#fbefe3") + circle(200, 190, 150, "#f5d8c0")


def bg_home():
    return rect(0, 0, 400, 400, "#e9f1e6") + path("M70 340V170a130 130 0 0 1 260 0v170z", "#d4e4cf")


def bg_outdoor():
    return (rect(0, 0, 400, 400, "#e2f1f9") + circle(310, 90, 38, "#fde7a6")
            + path("M0 300q100-70 200-20t200-10v130H0z", "#cfe6d0")
            + path("M0 340q120-40 240 0t160-10v70H0z", "#b8dabd"))


def bg_stationery():
    return (rect(0, 0, 400, 400, "#fff6da")
            + group("rotate(-6 200 200)", rect(70, 60, 260, 290, "#fcebb3", rx=10),
                    path("M100 110h200M100 150h200M100 190h200M100 230h200M100 270h200",
                         stroke="#f3d98a", stroke_width=3)))


def bg_audio():
    return (rect(0, 0, 400, 400, "#25264a") + circle(200, 200, 170, "#2c2e57")
            + circle(200, 200, 125, "#33366a"))


def bg_apparel():
    return rect(0, 0, 400, 400, "#fbe9ee") + group("rotate(12 200 200)", rect(80, 80, 240, 240, "#f5d2dc", rx=36))


BACKDROPS = {
    "kitchen": bg_kitchen,
    "home": bg_home,
    "outdoor": bg_outdoor,
    "stationery": bg_stationery,
    "audio": bg_audio,
    "apparel": bg_apparel,
}


# ---- kitchen -------------------------------------------------------------------

def chef_knife():
    return shadow(rx=130) + group(
        "rotate(-28 200 210)",
        path("M50 192h212v36c-90 4-160-6-212-36z", "#cfd8dd"),
        path("M50 192h212v12c-90 2-160-2-212-12z", "#e8eef1"),
        rect(258, 188, 12, 42, "#9aa6ad", rx=3),
        rect(268, 196, 96, 24, "#7a4a2c", rx=10),
        circle(292, 208, 3.5, "#e5c07b"), circle(318, 208, 3.5, "#e5c07b"), circle(344, 208, 3.5, "#e5c07b"))


def pour_over():
    glass = "#cfe7ee"
    return shadow(rx=80) + (
        path("M150 90h100l-28 95h-44z", glass, opacity=".9")
        + rect(168, 178, 64, 34, "#b8895a", rx=8)
        + path("M178 212c-55 20-60 110 0 110h44c60 0 55-90 0-110z", glass, opacity=".9")
        + path("M140 280c5 20 20 42 60 42h22c40 0 55-22 60-42z", "#6b3e26")
        + path("M162 100h8l18 62h-6z", "#fff", opacity=".6")
        + path("M248 90l14-6", stroke=glass, stroke_width=6, stroke_linecap="round"))


def dutch_oven():
    red, dark = "#d9583b", "#b2432b"
    return shadow(rx=120) + (
        rect(92, 168, 36, 18, dark, rx=9) + rect(272, 168, 36, 18, dark, rx=9)
        + path("M110 160h180v110a40 40 0 0 1-40 40H150a40 40 0 0 1-40-40z", red)
        + rect(110, 160, 180, 16, dark)
        + ellipse(200, 158, 100, 22, red) + ellipse(200, 152, 84, 14, "#e57357")
        + rect(182, 126, 36, 18, "#3b3b3b", rx=8)
        + path("M130 200v60", stroke="#fff", stroke_width=8, stroke_linecap="round", opacity=".25"))


def cutting_board():
    squares = []
    tones = ["#8a5a3b", "#a06a45", "#74492f"]
    for r in range(4):
        for c in range(3):
            squares.append(rect(128 + c * 48, 130 + r * 42, 46, 40, tones[(r + c) % 3]))
    return shadow(rx=100) + group(
        "rotate(-6 200 220)",
        rect(118, 120, 164, 188, "#5e3a25", rx=14), *squares,
        rect(118, 120, 164, 188, "none", rx=14, stroke="#5e3a25", stroke_width=10))


def mixing_bowls():
    def bowl(y, w, fill, rim):
        return (path("M%d %da%d %d 0 0 0 %d 0z" % (200 - w, y, w, round(w * 0.7), 2 * w), fill)
                + ellipse(200, y, w, 10, rim))
    speck = "".join(circle(x, y, 2.5, "#5c4a3a", opacity=".5")
                    for x, y in [(140, 262), (175, 290), (230, 286), (258, 260), (205, 270)])
    return shadow(rx=110) + (bowl(236, 112, "#e9dfcf", "#d6c9b3") + speck
                             + bowl(192, 86, "#9fb7a8", "#88a293")
                             + bowl(156, 60, "#e08a5c", "#c9744a"))


def gooseneck_kettle():
    body = "#2f3437"
    return shadow(rx=110) + (
        path("M250 200c40-10 40 60 30 80", stroke=body, stroke_width=16, stroke_linecap="round")
        + path("M145 190c-40 0-45-60-80-100", stroke=body, stroke_width=10, stroke_linecap="round")
        + path("M140 160h120l18 140H122z", body)
        + rect(120, 292, 160, 14, "#1e2224", rx=6)
        + ellipse(200, 160, 60, 12, "#454c50") + circle(200, 142, 10, "#c28a4a")
        + path("M160 190l-10 90", stroke="#fff", stroke_width=6, stroke_linecap="round", opacity=".2"))


def serving_spoon():
    wood, grain = "#b07a45", "#8f5e31"
    return shadow(rx=130) + group(
        "rotate(-35 200 200)",
        ellipse(105, 200, 60, 40, wood), ellipse(105, 200, 46, 28, "#9b6838"),
        rect(155, 192, 200, 16, wood, rx=8),
        path("M190 200h140M70 196q35-12 70 0", stroke=grain, stroke_width=2, opacity=".6"))


def ceramic_mug():
    glaze = "#6f93a8"
    dots = "".join(circle(x, y, 3, "#2f4858", opacity=".5")
                   for x, y in [(150, 170), (190, 210), (230, 180), (170, 255), (245, 240), (210, 280)])
    return shadow(rx=105) + (
        path("M250 170c60-6 60 100 0 94", stroke=glaze, stroke_width=18)
        + rect(130, 130, 130, 180, glaze, rx=16) + dots
        + ellipse(195, 132, 65, 12, "#48687b") + rect(130, 136, 130, 10, "#eae3d6"))


def tea_towels():
    cols = [("#efe9dc", "#c96f53"), ("#dbe6d8", "#5f8a6b"), ("#ece0cf", "#2f5d7c")]
    out = [shadow(rx=120)]
    for i, (base, stripe) in enumerate(cols):
        x = 104 + i * 66
        h = 190 - (i % 2) * 20
        out.append(rect(x, 112, 60, h, base, rx=4))
        out.append(rect(x, 112 + h - 50, 60, 12, stripe))
        out.append(rect(x, 112 + h - 30, 60, 5, stripe))
        out.append(path("M%d 112v-14" % (x + 30), stroke="#8c6a4a", stroke_width=3))
    out.append(line(90, 112, 310, 112, "#8c6a4a", 10))
    out.append(circle(90, 112, 8, "#6e5238") + circle(310, 112, 8, "#6e5238"))
    return "".join(out)


# ---- home ------------------------------------------------------------------------

def bud_vase():
    return shadow(rx=80) + (
        path("M200 190c-6-50 4-90 20-120", stroke="#4d7a52", stroke_width=5, stroke_linecap="round")
        + path("M205 130c20-20 40-10 40-10s-20 25-40 10z", "#6b9a64")
        + circle(222, 68, 14, "#e58e6b") + circle(222, 68, 6, "#f6c453")
        + path("M182 175h36v20c40 15 50 60 30 100-10 20-86 20-96 0-20-40-10-85 30-100z", "#c7b9e0")
        + path("M152 292c20 14 76 14 96 0l-3 8c-18 14-72 14-90 0z", "#9d8cc0"))


def throw_blanket():
    fringe = "".join(line(x, 300, x, 314, "#b8894f", 3) for x in range(118, 290, 12))
    return shadow(rx=120) + (
        rect(110, 230, 180, 70, "#d9b27c", rx=10) + rect(120, 175, 160, 60, "#c9965b", rx=10)
        + rect(130, 125, 140, 55, "#d9b27c", rx=10)
        + path("M130 150l20 10 20-10 20 10 20-10 20 10 20-10 20 10M120 205l20 10 20-10 20 10 20-10 "
               "20 10 20-10 20 10M110 265l20 10 20-10 20 10 20-10 20 10 20-10 20 10 20-10",
               stroke="#fff", stroke_width=3, opacity=".35")
        + fringe)


def soy_candle():
    return shadow(rx=90) + (
        path("M200 110c-16 20-16 38 0 48 16-10 16-28 0-48z", "#f6a93b")
        + path("M200 128c-7 10-7 18 0 24 7-6 7-14 0-24z", "#fde6a2")
        + line(200, 150, 200, 170, "#3a3a3a", 3)
        + rect(135, 165, 130, 150, "#8fa6a0", rx=12, opacity=".55")
        + rect(141, 180, 118, 129, "#efe6d6", rx=8)
        + rect(150, 225, 100, 50, "#2f3b38", rx=4) + rect(165, 240, 70, 6, "#d9c39a")
        + rect(180, 255, 40, 4, "#d9c39a"))


def arc_lamp():
    return shadow(cx=140, rx=70) + (
        path("M140 300C120 80 290 50 300 180", stroke="#30363b", stroke_width=8, stroke_linecap="round")
        + path("M250 215a50 45 0 0 1 100 0z", "#e8b04a") + rect(250, 212, 100, 8, "#c98f2d")
        + ellipse(300, 226, 40, 8, "#fff3c4", opacity=".8")
        + ellipse(140, 305, 48, 14, "#dcdcdc") + ellipse(140, 300, 48, 12, "#f2f2f2"))


def round_mirror():
    return shadow(rx=90, cy=330) + (
        circle(200, 190, 125, "#7d6b5a") + circle(200, 190, 113, "#cfe3ea")
        + path("M130 150l60-60M140 190l90-90M250 210l-50 50", stroke="#fff", stroke_width=12,
               stroke_linecap="round", opacity=".55")
        + line(200, 52, 200, 66, "#7d6b5a", 6))


def cushion():
    return shadow(rx=115) + (
        path("M100 110q100 25 200 0-20 95 0 190-100-25-200 0 20-95 0-190z", "#e1a17a")
        + path("M125 135q75 18 150 0-14 70 0 140-75-18-150 0 14-70 0-140z", "#d08c63")
        + path("M150 205h100", stroke="#b9704a", stroke_width=3, stroke_dasharray="8 6"))


def terracotta_planter():
    leaf = "#5e9c5b"
    return shadow(rx=100) + (
        path("M200 200c-40-40-70-40-90-70 40-6 80 20 90 70z", leaf)
        + path("M200 200c30-50 60-60 90-70-10 40-50 70-90 70z", "#4e8a4c")
        + path("M200 200c-10-50 0-90 10-120 20 40 10 90-10 120z", "#72b06a")
        + path("M135 190h130l-18 115h-94z", "#cf7548") + rect(128, 182, 144, 26, "#bb6640", rx=5)
        + ellipse(200, 308, 78, 10, "#b35f3b"))


def wall_clock():
    return shadow(rx=90, cy=330) + (
        circle(200, 195, 120, "#2e3b36") + circle(200, 195, 108, "#f7f4ec")
        + circle(200, 195, 92, "none", stroke="#2e3b36", stroke_width=10, stroke_dasharray="3 45.17",
                 transform="rotate(-1 200 195)")
        + line(200, 195, 200, 120, "#2e3b36", 7) + line(200, 195, 252, 220, "#2e3b36", 6)
        + line(200, 210, 160, 110, "#e06c4f", 2) + circle(200, 195, 7, "#e06c4f"))


# ---- outdoor -----------------------------------------------------------------------

def tent():
    return shadow(cy=312, rx=140) + (
        path("M200 110L330 305H70z", "#f08a4b") + path("M200 110l40 195h90z", "#d36f33")
        + path("M200 160l-38 145h76z", "#3a2f2a")
        + line(200, 96, 200, 118, "#5a4a3f", 4) + line(60, 305, 340, 305, "#5a4a3f", 4))


def water_bottle():
    return shadow(rx=70) + (
        rect(158, 80, 84, 30, "#2d3a40", rx=10) + path("M242 88c26 0 26 22 0 22", stroke="#2d3a40", stroke_width=6)
        + rect(166, 106, 68, 18, "#3d4d55")
        + rect(150, 120, 100, 195, "#2f8f83", rx=30)
        + rect(150, 190, 100, 40, "#256f66")
        + rect(166, 135, 12, 150, "#fff", rx=6, opacity=".25"))


def camp_lantern():
    return shadow(rx=80) + (
        path("M160 120c0-60 80-60 80 0", stroke="#444", stroke_width=7)
        + rect(150, 115, 100, 28, "#2f6b4f", rx=8)
        + rect(160, 143, 80, 130, "#fff3c4")
        + circle(200, 208, 38, "#ffd66b", opacity=".9") + circle(200, 208, 18, "#fff9e0")
        + path("M160 143v130M240 143v130", stroke="#2f6b4f", stroke_width=8)
        + rect(142, 272, 116, 34, "#2f6b4f", rx=8))


def sleeping_bag():
    quilt = "M130 150q70 10 140 0M122 190q78 10 156 0M122 230q78 10 156 0M128 270q72 10 144 0"
    return shadow(rx=120) + group(
        "rotate(-8 200 200)",
        path("M200 70c70 0 90 40 90 100 0 70-20 140-40 150H150c-20-10-40-80-40-150 0-60 20-100 90-100z", "#6c5ce7"),
        ellipse(200, 115, 48, 34, "#f3e9ff"), ellipse(200, 118, 34, 22, "#4834c9"),
        path(quilt, stroke="#4834c9", stroke_width=4))


def camp_chair():
    frame = "#37474f"
    return shadow(rx=110) + (
        line(130, 310, 270, 190, frame, 8) + line(270, 310, 130, 190, frame, 8)
        + path("M120 100h160l-10 110H130z", "#2e86c1") + rect(110, 190, 180, 26, "#2874a6", rx=8)
        + line(120, 100, 130, 310, frame, 6) + line(280, 100, 270, 310, frame, 6)
        + rect(280, 178, 26, 20, "#1b4f72", rx=4))


def daypack():
    return shadow(rx=100) + (
        path("M150 120c0-40 100-40 100 0", stroke="#1e5631", stroke_width=10)
        + rect(130, 110, 140, 200, "#2f7d4a", rx=36)
        + path("M130 145c0-40 140-40 140 0v10H130z", "#1e5631")
        + rect(150, 215, 100, 70, "#3f9b5e", rx=16)
        + line(160, 228, 240, 228, "#f2c14e", 4) + rect(192, 170, 16, 34, "#f2c14e", rx=4))


def compass():
    return shadow(rx=100) + group(
        "rotate(-10 200 200)",
        rect(120, 90, 160, 230, "#d9eef2", rx=16, opacity=".9"),
        path("M136 110v190", stroke="#4a6572", stroke_width=2, stroke_dasharray="2 10"),
        circle(200, 200, 62, "#e65b3d"), circle(200, 200, 52, "#fff"),
        path("M200 152l12 48h-24z", "#e65b3d"), path("M200 248l12-48h-24z", "#4a6572"),
        circle(200, 200, 5, "#25343b"), path("M200 100v36", stroke="#e65b3d", stroke_width=4))


def headlamp():
    return shadow(rx=120) + (
        path("M250 170l120-60v180l-120-60z", "#fff6b8", opacity=".7")
        + ellipse(190, 200, 110, 60, "none", stroke="#e0533d", stroke_width=16)
        + rect(200, 160, 70, 80, "#263238", rx=16) + circle(240, 200, 26, "#fffbe0")
        + circle(240, 200, 14, "#ffe680"))


# ---- stationery --------------------------------------------------------------------

def notebook():
    return shadow(rx=100) + group(
        "rotate(-4 200 200)",
        rect(125, 85, 150, 220, "#264653", rx=8), rect(125, 85, 16, 220, "#1d3640"),
        rect(245, 85, 10, 220, "#e76f51"),
        path("M182 305v40l8-8 8 8v-40", "#e9c46a"))


def fountain_pen():
    return shadow(rx=120) + group(
        "rotate(-35 200 200)",
        rect(70, 186, 150, 28, "#b5893b", rx=12), rect(212, 188, 90, 24, "#c99c4a", rx=6),
        path("M300 190l40 10-40 10z", "#d9dde0"), line(308, 200, 334, 200, "#77808a", 2),
        rect(100, 180, 60, 6, "#8e6a2a", rx=3), rect(200, 186, 10, 28, "#8e6a2a"))


def ink_bottle():
    return shadow(rx=100) + (
        rect(176, 100, 48, 40, "#222", rx=6)
        + rect(130, 140, 140, 170, "#1f6f78", rx=22)
        + rect(150, 190, 100, 70, "#f4efe4", rx=4) + circle(200, 225, 18, "#1f6f78")
        + path("M280 250c-14 22-14 36 0 40 14-4 14-18 0-40z", "#1f6f78")
        + rect(142, 150, 10, 140, "#fff", rx=5, opacity=".25"))


def watercolour_set():
    colours = ["#e63946", "#f4a261", "#e9c46a", "#2a9d8f", "#457b9d", "#6a4c93", "#8d6e63", "#1d3557"]
    pans = "".join(rect(120 + (i % 4) * 42, 150 + (i // 4) * 50, 34, 40, c, rx=4) for i, c in enumerate(colours))
    return shadow(rx=120) + (
        rect(105, 80, 190, 60, "#f1f1ef", rx=8) + rect(105, 135, 190, 130, "#c0c6ca", rx=10)
        + rect(112, 142, 176, 116, "#eceff1", rx=6) + pans
        + path("M270 300l60-80", stroke="#8d6e63", stroke_width=8, stroke_linecap="round")
        + path("M322 232l14-20 4 10z", "#333"))


def desk_organiser():
    return shadow(rx=120) + (
        line(150, 200, 130, 110, "#264653", 8) + line(170, 200, 180, 100, "#e76f51", 8)
        + line(185, 200, 205, 118, "#e9c46a", 8)
        + rect(235, 150, 60, 70, "#ddd", rx=4) + rect(240, 156, 50, 58, "#333", rx=3)
        + path("M100 195h200v100a10 10 0 0 1-10 10H110a10 10 0 0 1-10-10z", "#7a5233")
        + rect(100, 195, 200, 12, "#8f6240") + path("M210 210v90", stroke="#5c3c24", stroke_width=4))


def mechanical_pencil():
    grip = "".join(line(x, 192, x, 208, "#5a6169", 2) for x in range(182, 238, 8))
    return shadow(rx=130) + group(
        "rotate(-30 200 200)",
        rect(60, 190, 120, 20, "#3c6e71", rx=4), rect(178, 189, 62, 22, "#9aa3ab", rx=3), grip,
        path("M240 192l36 8-36 8z", "#9aa3ab"), line(276, 200, 292, 200, "#333", 2),
        rect(46, 193, 16, 14, "#eee", rx=3), rect(90, 185, 60, 5, "#2c5254"))


def washi_tape():
    def roll(cx, cy, fill, stripe):
        return (circle(cx, cy, 58, fill) + circle(cx, cy, 58, "none", stroke=stripe, stroke_width=6,
                                                    stroke_dasharray="10 12")
                + circle(cx, cy, 30, "#fff6da") + circle(cx, cy, 30, "none", stroke="#e0d3b0", stroke_width=3))
    return shadow(rx=130, cy=320) + roll(140, 240, "#f4a6a6", "#fff") + roll(260, 240, "#9fd3c7", "#fff") \
        + roll(200, 150, "#f7d488", "#e29d4f")


def erasers():
    return shadow(rx=110) + (
        group("rotate(-12 160 240)", rect(90, 210, 120, 60, "#f3f0ea", rx=10),
              rect(130, 210, 80, 60, "#3a86c8", rx=0), rect(200, 210, 10, 60, "#3a86c8")) +
        group("rotate(10 250 200)", rect(200, 150, 110, 56, "#f08db1", rx=10),
              rect(200, 150, 110, 14, "#fff", rx=6, opacity=".35")))


# ---- audio ---------------------------------------------------------------------------

def headphones():
    return shadow(rx=110, dark=False) + (
        path("M120 230v-40a80 80 0 0 1 160 0v40", stroke="#e6e8f0", stroke_width=16, stroke_linecap="round")
        + rect(96, 205, 56, 90, "#ff8a65", rx=24) + rect(248, 205, 56, 90, "#ff8a65", rx=24)
        + rect(132, 215, 26, 70, "#ffd0c2", rx=12) + rect(242, 215, 26, 70, "#ffd0c2", rx=12))


def speaker_pair():
    def box(x, h):
        return (rect(x, 310 - h, 100, h, "#c69c6d", rx=6)
                + circle(x + 50, 310 - h + 40, 16, "#2c2c2c") + circle(x + 50, 310 - h + 40, 6, "#777")
                + circle(x + 50, 310 - h * 0.38, 34, "#2c2c2c") + circle(x + 50, 310 - h * 0.38, 14, "#555"))
    return shadow(rx=130, dark=False) + box(88, 170) + box(212, 170)


def earbuds():
    return shadow(rx=110, dark=False) + (
        rect(130, 210, 140, 90, "#f5f5f5", rx=40) + path("M130 250h140", stroke="#c9cbd6", stroke_width=3)
        + circle(200, 275, 5, "#7ce0a3")
        + group("rotate(-20 150 150)", circle(150, 150, 30, "#f5f5f5"), rect(140, 160, 20, 60, "#f5f5f5", rx=10),
                circle(150, 150, 14, "#aeb3c4"))
        + group("rotate(20 250 150)", circle(250, 150, 30, "#f5f5f5"), rect(240, 160, 20, 60, "#f5f5f5", rx=10),
                circle(250, 150, 14, "#aeb3c4")))


def bt_speaker():
    grille = "".join(circle(x, y, 5, "#1f4f66") for x in range(130, 280, 20) for y in (190, 215, 240))
    return shadow(rx=130, dark=False) + (
        path("M120 165c-30 0-30-60 0-60", stroke="#f2b134", stroke_width=8)
        + rect(100, 160, 200, 110, "#38a3d1", rx=55) + grille
        + rect(180, 260, 40, 10, "#f2b134", rx=5))


def turntable():
    return shadow(rx=140, dark=False) + (
        rect(70, 130, 260, 180, "#d9b98f", rx=14) + rect(70, 290, 260, 20, "#b8956a", rx=8)
        + circle(180, 215, 78, "#151515") + circle(180, 215, 60, "none", stroke="#333", stroke_width=2)
        + circle(180, 215, 44, "none", stroke="#333", stroke_width=2) + circle(180, 215, 24, "#e94f37")
        + circle(180, 215, 4, "#ddd")
        + circle(296, 158, 12, "#bbb") + path("M296 158v80l-36 34", stroke="#e5e5e5", stroke_width=6,
                                              stroke_linecap="round")
        + circle(300, 285, 6, "#6d4c2f"))


def microphone():
    grille = "M170 110h60M166 135h68M166 160h68M166 185h68M170 210h60"
    return shadow(rx=90, dark=False) + (
        rect(160, 80, 80, 150, "#b9c2d0", rx=40) + path(grille, stroke="#7d8699", stroke_width=4)
        + path("M140 200v20a60 60 0 0 0 120 0v-20", stroke="#e6e8f0", stroke_width=8, stroke_linecap="round")
        + line(200, 280, 200, 310, "#e6e8f0", 8) + rect(150, 306, 100, 12, "#e6e8f0", rx=6)
        + circle(200, 250, 5, "#ff6b6b"))


def audio_cable():
    return shadow(rx=120, dark=False) + (
        path("M110 120c120 0 160 40 60 90s-60 110 120 110", stroke="#f06292", stroke_width=12,
             stroke_linecap="round")
        + path("M110 120c120 0 160 40 60 90s-60 110 120 110", stroke="#fff", stroke_width=3,
               stroke_dasharray="6 10", opacity=".5")
        + rect(66, 110, 44, 20, "#d4af37", rx=4) + line(50, 120, 66, 120, "#e8e8e8", 6)
        + rect(290, 310, 44, 20, "#d4af37", rx=4) + line(334, 320, 350, 320, "#e8e8e8", 6))


def pocket_radio():
    return shadow(rx=110, dark=False) + (
        line(260, 150, 300, 60, "#c9ccd6", 5) + circle(300, 60, 6, "#c9ccd6")
        + rect(100, 150, 200, 150, "#e85d4a", rx=18)
        + circle(160, 225, 44, "#7a2a20") + circle(160, 225, 44, "none", stroke="#f6c6bd", stroke_width=3,
                                                   stroke_dasharray="3 6")
        + rect(220, 180, 60, 30, "#fdf2d0", rx=4) + path("M228 195h44", stroke="#e85d4a", stroke_width=2)
        + circle(250, 255, 18, "#fdf2d0") + line(250, 255, 258, 245, "#7a2a20", 3))


# ---- apparel ---------------------------------------------------------------------------

def crew_tee():
    return shadow(rx=110) + (
        path("M165 90l-70 35 20 55 30-12v130h110V168l30 12 20-55-70-35c-5 20-20 30-35 30s-30-10-35-30z", "#4a7fb0")
        + path("M165 90c5 20 20 30 35 30s30-10 35-30", stroke="#35628c", stroke_width=6))


def beanie():
    ribs = "".join(line(x, 238, x, 288, "#a8322c", 3) for x in range(125, 285, 14))
    return shadow(rx=110) + (
        path("M110 240c0-110 180-110 180 0z", "#d9473f")
        + path("M150 130q50 40 100 0", stroke="#b83a33", stroke_width=3)
        + rect(105, 232, 190, 60, "#c43d36", rx=12) + ribs)


def waxed_tote():
    return shadow(rx=110) + (
        path("M160 150c0-70 80-70 80 0", stroke="#6d4426", stroke_width=10)
        + path("M115 150h170l-15 160H130z", "#8a7a45")
        + path("M115 150h170v18H115z", "#6f6136")
        + rect(165, 200, 70, 50, "#9c8b52", rx=4)
        + path("M130 175l-2 120M272 175l2 120", stroke="#6f6136", stroke_width=2, stroke_dasharray="6 5"))


def hoodie():
    return shadow(rx=120) + (
        path("M150 110l-60 40-20 150h40l15-110v130h150V180l15 110h40l-20-150-60-40z", "#7e8a97")
        + path("M160 115c0-50 80-50 80 0l-10 20h-60z", "#6a7580")
        + path("M175 125c10 14 40 14 50 0", stroke="#4e5761", stroke_width=6)
        + path("M160 235h80l12 40H148z", "#6a7580")
        + line(190, 135, 188, 175, "#f2f2f2", 3) + line(210, 135, 212, 175, "#f2f2f2", 3))


def jeans():
    return shadow(rx=100) + (
        path("M135 90h130l20 220h-55l-30-150-30 150h-55z", "#2d4f7c")
        + rect(135, 90, 130, 22, "#24426a")
        + path("M145 120q15 20 35 8M255 120q-15 20-35 8M200 112v50", stroke="#e0a84b", stroke_width=2.5)
        + circle(200, 101, 4, "#e0a84b"))


def sneaker():
    return shadow(rx=135) + (
        path("M80 250c0-40 20-70 40-90 20 20 60 30 90 30l70 30c30 10 50 20 50 40v10H80z", "#f4f1e8")
        + path("M80 265h250v20c0 10-10 15-20 15H95c-10 0-15-5-15-15z", "#d9a25f")
        + path("M120 160c20 20 60 30 90 30", stroke="#2f4858", stroke_width=6)
        + path("M160 195l20-18M180 200l20-18M200 205l20-18", stroke="#2f4858", stroke_width=4,
               stroke_linecap="round")
        + rect(80, 246, 250, 8, "#2f4858", opacity=".15"))


def socks():
    def sock(dx, base, cuff, tone):
        return group("translate(%d 0)" % dx,
                     path("M110 90h46v130c0 20 10 30 40 40s20 50-10 50c-30 0-76-30-76-80z", base),
                     rect(110, 90, 46, 30, cuff), path("M110 106h46", stroke=tone, stroke_width=3),
                     path("M150 290c20 0 40-4 46-30", stroke=tone, stroke_width=6, opacity=".5"))
    return shadow(rx=130) + sock(-10, "#e9c46a", "#d4a93a", "#b98d26") + sock(50, "#2a9d8f", "#1f7a6f", "#166058") \
        + sock(110, "#e76f51", "#c9583c", "#a8452c")


def rain_jacket():
    return shadow(rx=120) + (
        path("M150 100l-55 40-25 150h40l15-110v130h150V180l15 110h40l-25-150-55-40z", "#f2c14e")
        + path("M155 105c0-50 90-50 90 0l-15 15h-60z", "#e0a92c")
        + path("M200 120v200", stroke="#5a5a5a", stroke_width=4, stroke_dasharray="6 3")
        + path("M145 230h30M225 230h30", stroke="#c98f1e", stroke_width=5, stroke_linecap="round"))


def sun_hat():
    weave = "M150 170q50 10 100 0M145 200q55 10 110 0"
    return shadow(rx=140) + (
        ellipse(200, 250, 150, 48, "#e2c48e") + ellipse(200, 246, 118, 34, "#d3b175")
        + path("M140 245c0-110 120-110 120 0z", "#e2c48e")
        + path("M140 230h120v15H140z", "#3b6e5a") + path(weave, stroke="#c9a467", stroke_width=3))


DRAWINGS = {
    "KIT-001": chef_knife, "KIT-002": pour_over, "KIT-003": dutch_oven, "KIT-004": cutting_board,
    "KIT-005": mixing_bowls, "KIT-006": gooseneck_kettle, "KIT-007": serving_spoon, "KIT-008": ceramic_mug,
    "KIT-009": tea_towels,
    "HOM-001": bud_vase, "HOM-002": throw_blanket, "HOM-003": soy_candle, "HOM-004": arc_lamp,
    "HOM-005": round_mirror, "HOM-006": cushion, "HOM-007": terracotta_planter, "HOM-008": wall_clock,
    "OUT-001": tent, "OUT-002": water_bottle, "OUT-003": camp_lantern, "OUT-004": sleeping_bag,
    "OUT-005": camp_chair, "OUT-006": daypack, "OUT-007": compass, "OUT-008": headlamp,
    "STA-001": notebook, "STA-002": fountain_pen, "STA-003": ink_bottle, "STA-004": watercolour_set,
    "STA-005": desk_organiser, "STA-006": mechanical_pencil, "STA-007": washi_tape, "STA-008": erasers,
    "AUD-001": headphones, "AUD-002": speaker_pair, "AUD-003": earbuds, "AUD-004": bt_speaker,
    "AUD-005": turntable, "AUD-006": microphone, "AUD-007": audio_cable, "AUD-008": pocket_radio,
    "APP-001": crew_tee, "APP-002": beanie, "APP-003": waxed_tote, "APP-004": hoodie, "APP-005": jeans,
    "APP-006": sneaker, "APP-007": socks, "APP-008": rain_jacket, "APP-009": sun_hat,
}


def render(product):
    body = BACKDROPS[product["category"]]() + DRAWINGS[product["sku"]]()
    # role="img" with a title keeps the image accessible where it is inlined.
    title = product["name"].replace("&", "&amp;").replace("<", "&lt;")
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" '
            'role="img"><title>%s</title>%s</svg>\n' % (title, body))


def main():
    products = json.loads((HERE / "catalog.json").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    problems = []
    for product in products:
        sku = product["sku"]
        if sku not in DRAWINGS:
            problems.append("%s: no drawing" % sku)
            continue
        svg = render(product)
        size = len(svg.encode("utf-8"))
        if size > MAX_BYTES:
            problems.append("%s: %d bytes (limit %d)" % (sku, size, MAX_BYTES))
        (OUT / ("%s.svg" % sku.lower())).write_text(svg, encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    print("wrote %d images to %s" % (len(products), OUT.relative_to(ROOT)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
