package io.causality.schemas.lake;

/** Column types of the lake, each with its Trino spelling. */
public enum LakeType {
    STRING("varchar"),
    LONG("bigint"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    /** Milliseconds since the epoch, UTC. */
    TIMESTAMP("timestamp(3) with time zone"),
    INT("integer");

    private final String trino;

    LakeType(String trino) {
        this.trino = trino;
    }

    public String trino() {
        return trino;
    }
}
