import { parseDocument } from 'yaml';
import { readFileSync } from 'node:fs';
parseDocument(readFileSync('/work/main/examples/shop-dashboard/runway.yaml','utf8'));
