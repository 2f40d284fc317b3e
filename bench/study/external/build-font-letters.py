#!/usr/bin/python3
"""Builds the study's font-letters set, a notMNIST-style set (Bulatov 2011) made offline: the
letters A-J rendered in every font file of a fixed list of Debian font packages (README.md beside
this file), one image per (font, letter), into a folder per letter: <out>/<letter>/<font>.png.

Each glyph is drawn by FreeType (Debian's python3-pil) at 96 px, white ink on black, cropped to
its ink, scaled to fit 52 x 52 keeping its aspect (Lanczos), and centred on a 64 x 64 black
canvas. A font is left out when its character map (python3-fonttools) lacks any of A-J (so no
.notdef box is drawn), when a letter draws no ink, or when its ten letters do not give ten
different images (a symbol or fallback font). Identical images of one letter from different
fonts (the same design shipped twice, or weights that round to the same pixels) are kept once:
the first in the sorted order of font paths. Prints the counts. Not part of npm test or .ci/run.

  /usr/bin/python3 bench/study/external/build-font-letters.py [--out bench/.work/external/font-letters]
"""
import argparse
import hashlib
import os
import subprocess
import sys

from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageDraw, ImageFont

PACKAGES = [
    'fonts-cantarell', 'fonts-cmu', 'fonts-comic-neue', 'fonts-crosextra-caladea', 'fonts-crosextra-carlito',
    'fonts-dejavu-core', 'fonts-dejavu-extra', 'fonts-ebgaramond', 'fonts-firacode', 'fonts-freefont-ttf',
    'fonts-hack', 'fonts-lato', 'fonts-liberation', 'fonts-linuxlibertine', 'fonts-noto-core', 'fonts-noto-extra',
    'fonts-open-sans', 'fonts-sil-gentium', 'fonts-texgyre', 'fonts-urw-base35',
]
LETTERS = 'ABCDEFGHIJ'
DRAW_SIZE = 96
FIT = 52
SIDE = 64
EXTENSIONS = ('.ttf', '.otf', '.ttc')


def font_files():
    """{font file path: the package that ships it}, over PACKAGES."""
    files = {}
    for package in PACKAGES:
        listed = subprocess.run(['dpkg', '-L', package], capture_output=True, text=True)
        if listed.returncode != 0:
            sys.exit(f'Debian package {package} is not installed: apt-get install {" ".join(PACKAGES)}')
        for p in listed.stdout.splitlines():
            if p.lower().endswith(EXTENSIONS) and os.path.isfile(p) and not os.path.islink(p):
                files.setdefault(p, package)
    return files


def faces(path):
    """(face index, fontTools font) for each face of a file."""
    if path.lower().endswith('.ttc'):
        return list(enumerate(TTCollection(path, lazy=True).fonts))
    return [(0, TTFont(path, lazy=True))]


def render(font, letter):
    canvas = Image.new('L', (DRAW_SIZE * 3, DRAW_SIZE * 3), 0)
    ImageDraw.Draw(canvas).text((DRAW_SIZE, DRAW_SIZE), letter, fill=255, font=font)
    box = canvas.getbbox()
    if box is None or box[0] == 0 or box[1] == 0 or box[2] == canvas.width or box[3] == canvas.height:
        return None  # no ink, or ink cut off by the canvas
    glyph = canvas.crop(box)
    scale = FIT / max(glyph.width, glyph.height)
    glyph = glyph.resize((max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))), Image.LANCZOS)
    out = Image.new('L', (SIDE, SIDE), 0)
    out.paste(glyph, ((SIDE - glyph.width) // 2, (SIDE - glyph.height) // 2))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '../../.work/external/font-letters'))
    out = os.path.abspath(parser.parse_args().out)
    if os.path.exists(out):
        print(f'{out} exists; delete it to build it again.')
        return
    packages = font_files()
    files = sorted(packages)
    faces_per_package = {}
    counts = {'files': len(files), 'faces': 0, 'no A-J': 0, 'unreadable': 0, 'blank, cut or alike': 0, 'kept faces': 0}
    seen = {letter: set() for letter in LETTERS}
    kept = {letter: [] for letter in LETTERS}
    duplicates = 0
    for path in files:
        try:
            file_faces = faces(path)
        except Exception:  # a file fontTools cannot read is not a font we can vouch for
            counts['unreadable'] += 1
            continue
        for index, tt in file_faces:
            counts['faces'] += 1
            cmap = tt.getBestCmap() or {}
            if any(ord(letter) not in cmap for letter in LETTERS):
                counts['no A-J'] += 1
                continue
            try:
                font = ImageFont.truetype(path, DRAW_SIZE, index=index)
                images = [render(font, letter) for letter in LETTERS]
            except OSError:
                counts['unreadable'] += 1
                continue
            if any(image is None for image in images) or len({image.tobytes() for image in images}) < len(LETTERS):
                counts['blank, cut or alike'] += 1
                continue
            counts['kept faces'] += 1
            faces_per_package[packages[path]] = faces_per_package.get(packages[path], 0) + 1
            name = os.path.splitext(os.path.basename(path))[0] + (f'-{index}' if path.lower().endswith('.ttc') else '')
            for letter, image in zip(LETTERS, images):
                digest = hashlib.sha256(image.tobytes()).hexdigest()
                if digest in seen[letter]:
                    duplicates += 1
                    continue
                seen[letter].add(digest)
                kept[letter].append((name, image))
    for letter in LETTERS:
        os.makedirs(os.path.join(out, letter))
        for name, image in kept[letter]:
            image.save(os.path.join(out, letter, f'{name}.png'))
    total = sum(len(v) for v in kept.values())
    print(f'{counts["files"]} font files from {len(PACKAGES)} packages, {counts["faces"]} faces: {counts["no A-J"]} lack a letter A-J, '
          f'{counts["unreadable"]} unreadable, {counts["blank, cut or alike"]} draw a blank, cut-off or alike letters; {counts["kept faces"]} faces rendered.')
    print('faces rendered per package: ' + ', '.join(f'{p} {faces_per_package.get(p, 0)}' for p in PACKAGES))
    print(f'{duplicates} identical renders removed; wrote {total} images to {out}; per letter: '
          + ', '.join(f'{letter}: {len(kept[letter])}' for letter in LETTERS))


if __name__ == '__main__':
    main()
