package io.causality.schemas;

/** The families of the built-in event catalogue, as the original system grouped them. */
public enum EventFamily {
    LIFECYCLE,
    USER,
    NAVIGATION,
    INTERACTION,
    COMMERCE,
    ENGAGEMENT,
    SYSTEM,
    CUSTOM
}
