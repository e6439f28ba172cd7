package org.univ.data.synth;

import java.awt.Shape;

/** A filled shape in image pixels made of one material: the unit the rasteriser paints. */
record Part(Shape shape, Material material) {}
