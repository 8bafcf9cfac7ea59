package io.causality.schemas.lake;

/**
 * One column of the lake table.
 *
 * @param name column name (lower snake case, as Trino and Hive want it)
 * @param type its type
 * @param pointer JSON pointer of the value in the event envelope, e.g. {@code /context/os/name};
 *     null for columns that are not read from one place (the JSON copies, the partitions)
 */
public record LakeColumn(String name, LakeType type, String pointer) {}
