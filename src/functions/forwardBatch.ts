import { app } from '@azure/functions';
import { createForwardBatchFunction, FORWARD_BATCH_FUNCTION } from './handlers/forwardBatchHandler';

// Registration only; see handlers/forwardBatchHandler.ts.
app.storageQueue(FORWARD_BATCH_FUNCTION, createForwardBatchFunction(process.env).options);
