"""Colorization (report 000's third effort, Isola et al. 2017's pix2pix setting): grey
items in, colour items out. A family of its own files only (spaces/colorization.py, this
package, analysis/sections/colorization.py, its studies and tests)."""
