#pragma once
// The LoRA / full fine-tuning comparison as a table a student reads top to bottom: what each trains, what it
// costs, what it reaches, what it forgets, with LoRA's share of the full run's figure in the last column.
#include "lora/full_comparison.h"

class QTableWidget;

void fillComparisonTable(QTableWidget* table, const lora::FullComparison& comparison);
