"""The chart colours stay apart for readers with a colour vision deficiency.

Each colour is passed through the simulation of Machado, Oliveira & Fernandes (2009,
severity 1.0: protanopia, deuteranopia, tritanopia) in linear sRGB and compared in CIE
L*a*b* (ΔE*76). Colour is never the only carrier (signs and words go with it, see
test_site_pages), but favourable and unfavourable must also look different.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from wijkmonitor.website.charts import GREEN, GREY, ORANGE

SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
D65 = np.array([0.95047, 1.0, 1.08883])


def linear_rgb(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    t = SRGB_TO_XYZ @ np.clip(linear, 0, 1) / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, simulation: np.ndarray) -> float:
    return float(np.linalg.norm(lab(simulation @ linear_rgb(a)) - lab(simulation @ linear_rgb(b))))


def test_the_simulation_is_sound():
    # Red and green collapse for protanopes and deuteranopes, not for tritanopes.
    red, green = "#d62728", "#2ca02c"
    assert delta_e(red, green, SIMULATIONS["normal"]) > 70
    assert delta_e(red, green, SIMULATIONS["deuteranopia"]) < 25
    assert delta_e(red, green, SIMULATIONS["tritanopia"]) > 50


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_favourable_and_unfavourable_stay_apart(vision):
    simulation = SIMULATIONS[vision]
    assert delta_e(GREEN, ORANGE, simulation) >= 40
    for a, b in itertools.combinations((GREEN, ORANGE, GREY), 2):
        assert delta_e(a, b, simulation) >= 15, (a, b)
