#pragma once
// The small datasets that ship with LoRA Studio (the source tree's datasets/ folder), for students to start
// from without hunting for data.
#include <QString>
#include <QStringList>

// The bundled datasets folder: LORA_SOURCE_DIR/datasets.
QString bundledDatasetsFolder();
// Every dataset file (.txt, .jsonl, .csv, .tsv) under `folder`, recursively, as absolute paths sorted by their
// path inside the folder. Empty when the folder does not exist.
QStringList findDatasetFiles(const QString& folder);
// The title of the README.md next to a bundled file ("noun_kinds — (b) instruction task (JSONL)"), or empty.
QString bundledDatasetTitle(const QString& file);
// Rich text for the Data page: that README's title and first paragraph (markdown emphasis and code marks
// turned into HTML), or the file name when there is no README.
QString bundledDatasetAbout(const QString& file);
