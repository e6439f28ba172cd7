package org.univ.model;

import ai.djl.ndarray.NDArray;

/** A named model tensor; trainable ones carry a gradient. */
public final class Parameter {
    private NDArray array;
    private boolean trainable;

    public Parameter(NDArray array) {
        this.array = array;
    }

    public NDArray array() {
        return array;
    }

    /** Replaces the value in place (same shape), keeping the array object other code may hold. */
    public void copyFrom(NDArray value) {
        if (!value.getShape().equals(array.getShape())) {
            throw new IllegalArgumentException("shape " + value.getShape() + " != " + array.getShape());
        }
        array.set(value.toType(array.getDataType(), false).toByteBuffer());
    }

    public boolean isTrainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        array.setRequiresGradient(trainable);
    }

    public long numel() {
        return array.size();
    }
}
